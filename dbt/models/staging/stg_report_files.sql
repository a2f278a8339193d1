select
    cast(source_path as varchar) as source_path,
    cast(content_sha256 as varchar) as content_sha256,
    cast(size_bytes as bigint) as size_bytes,
    cast(extension as varchar) as extension,
    cast(has_sidecar as boolean) as has_sidecar
from {{ source('raw', 'report_files') }}

select
    cast(source_path as varchar) as source_path,
    cast(content_sha256 as varchar) as content_sha256,
    cast(error_code as varchar) as error_code,
    cast(error_message as varchar) as error_message
from {{ ref('stg_rejected_files') }}

-- Raw files that could not become a report (audit.rejected_files), named by their file name
select
    regexp_extract(source_path, '[^/\\]+$') as file_name,
    error_code,
    error_message,
    content_sha256
from audit.rejected_files

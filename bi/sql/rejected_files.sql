-- Raw files that could not become a report (audit.rejected_files), named by their file name
select
    regexp_extract(source_path, '[^/\\]+$') as file_name,
    error_code,
    coalesce(e.error_zh || ' ' || e.error_en, error_code) as error_label,
    error_message,
    content_sha256
from audit.rejected_files
left join marts.dim_rejection_code as e using (error_code)

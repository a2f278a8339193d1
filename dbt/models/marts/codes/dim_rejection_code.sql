{{ code_dimension('rejection_code', 'error_code', 'error', descriptions=true) }}

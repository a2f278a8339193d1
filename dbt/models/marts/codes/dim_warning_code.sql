{{ code_dimension('warning_code', 'warning_code', 'warning', descriptions=true) }}

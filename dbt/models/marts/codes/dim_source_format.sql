{{ code_dimension('source_format', 'source_format', 'source_format') }}

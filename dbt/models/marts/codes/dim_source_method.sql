{{ code_dimension('source_method', 'source_method', 'source_method', descriptions=true) }}

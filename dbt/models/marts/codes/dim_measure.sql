{{ code_dimension('measure', 'measure_code', 'measure', templates=true) }}

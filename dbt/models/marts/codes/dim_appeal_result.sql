{{ code_dimension('appeal_result', 'result_code', 'result', templates=true) }}

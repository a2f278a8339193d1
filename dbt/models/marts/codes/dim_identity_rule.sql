{{ code_dimension('identity_rule', 'rule_code', 'rule', descriptions=true) }}

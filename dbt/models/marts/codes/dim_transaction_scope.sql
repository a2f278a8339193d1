{{ code_dimension('transaction_scope', 'scope', 'scope') }}

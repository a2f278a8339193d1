{{ code_dimension('transaction_category', 'category', 'category', templates=true, parent='scope') }}

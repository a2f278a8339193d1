{{ code_dimension('disclosure_item', 'item_code', 'item', templates=true, parent='article20_clause') }}

{{ code_dimension('appeal_kind', 'appeal_kind', 'appeal_kind', templates=true) }}

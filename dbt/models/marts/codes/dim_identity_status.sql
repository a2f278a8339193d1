{{ code_dimension('identity_status', 'status', 'status') }}

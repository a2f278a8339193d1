{{ code_dimension('agency_type', 'agency_type', 'agency_type') }}

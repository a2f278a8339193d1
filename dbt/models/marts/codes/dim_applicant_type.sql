{{ code_dimension('applicant_type', 'applicant_type', 'applicant_type', templates=true) }}

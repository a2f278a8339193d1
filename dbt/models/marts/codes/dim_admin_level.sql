{{ code_dimension('admin_level', 'admin_level', 'admin_level') }}

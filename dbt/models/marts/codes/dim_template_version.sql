{{ code_dimension('template_version', 'template_version', 'template', descriptions=true) }}

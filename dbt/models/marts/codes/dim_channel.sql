{{ code_dimension('channel', 'channel', 'channel') }}

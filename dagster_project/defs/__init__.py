"""Definitions split by concern: resources, assets/<domain>, jobs, schedules."""

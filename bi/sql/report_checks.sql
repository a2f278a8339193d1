-- Each report's identity checks counted by status (the Agency page)
select
    report_id,
    count(*) filter (where status = 'pass') as passed,
    count(*) filter (where status = 'fail') as failed,
    count(*) filter (where status = 'not_assessable') as not_assessable
from marts.fct_identity_checks
group by report_id

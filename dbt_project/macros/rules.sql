{#
    The marts' rules about dates and codes, each written once (docs/marts.md defines them).
#}

{# An EHC plan still runs after `on`: not ceased, or ceased later. Written as one comparison
   (a plan not ceased runs to the end of the calendar), not as "is null or later": in a join's
   condition DuckDB can then pair the plans by hash and compare after; an `or` there made it
   compare every plan with every other (7 s for 30,000 moves at 1,000,000 children, 0.1 s now). #}
{% macro running_after(plan, on) -%}
    (coalesce({{ plan }}.cease_date, date '9999-12-31') > {{ on }})
{%- endmacro %}

{# An EHC plan is in force on `on`: started by then and still running after it. #}
{% macro in_force_on(plan, on) -%}
    ({{ plan }}.start_date <= {{ on }} and {{ running_after(plan, on) }})
{%- endmacro %}

{# A referral is open on `on`: received by then, and neither rejected nor discharged by then. #}
{% macro referral_open_on(referral, on) -%}
    ({{ referral }}.received_date <= {{ on }}
        and coalesce({{ referral }}.rejected_date > {{ on }}, true)
        and coalesce({{ referral }}.discharge_date > {{ on }}, true))
{%- endmacro %}

{# A referral is waiting on `on`: open, and the child not yet seen (no first contact by then). #}
{% macro referral_waiting_on(referral, on) -%}
    ({{ referral_open_on(referral, on) }}
        and coalesce({{ referral }}.first_contact_date > {{ on }}, true))
{%- endmacro %}

{#
    A setting code that means the child or young person is not in education (seed sen_setting);
    false, not null, for no code. (`null in (subquery)` is null in SQL, but Spark 4.3 gets it
    wrong inside an expression such as coalesce(not ...): the test of null comes first.)
#}
{% macro not_in_education(setting) -%}
    ({{ setting }} is not null and {{ setting }} in (
        select sen_setting from {{ ref('sen_setting') }} where placement_group = 'not_in_education'
    ))
{%- endmacro %}

{# A cease reason that means the plan moved to another local authority (seed cease_reason);
   false for no reason. #}
{% macro transferred(cease_reason) -%}
    ({{ cease_reason }} is not null
        and {{ cease_reason }} in (select cease_reason from {{ ref('cease_reason') }} where transfer))
{%- endmacro %}

{#
    Rows whose combination of the given columns is not unique (a composite key), written here
    rather than taken from a package so the project builds without internet access.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as n_records
from {{ model }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}

{#
    The few operations DuckDB and Spark spell or mean differently, one macro each with a
    `duckdb__` and a `spark__` version, so the models read the same on either engine
    (docs/deployment.md). tests/unit/test_portable_sql.py rejects any other function in a model
    or macro; `make portability` builds every model on both engines, compares the marts row for
    row and checks the compiled models of both.
#}

{# Every match of a regular expression replaced; `replacement` refers to groups as \1. #}
{% macro replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('replace_all')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{# Spark replaces every match, names a group $1, and reads a backslash in a literal as an escape #}
{% macro spark__replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, '{{ pattern | replace("\\", "\\\\") }}', '{{ modules.re.sub("\\\\(\\d)", "$\\1", replacement) }}')
{%- endmacro %}

{#
    union_all_by_name(['a', 'b'], ['x', 'y']): the rows of every relation, the named columns
    taken from each by name (DuckDB's `union all by name`, which Spark's SQL lacks); every
    relation must have every column.
#}
{% macro union_all_by_name(relations, columns) -%}
    {%- for relation in relations %}
    select {{ columns | join(', ') }} from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{# Whole days from `start` to `end` (negative when end is earlier). #}
{% macro days_between(start, end) -%}
    {{ return(adapter.dispatch('days_between')(start, end)) }}
{%- endmacro %}

{% macro duckdb__days_between(start, end) -%}
    date_diff('day', {{ start }}, {{ end }})
{%- endmacro %}

{# a bigint, as DuckDB's #}
{% macro spark__days_between(start, end) -%}
    cast(datediff({{ end }}, {{ start }}) as bigint)
{%- endmacro %}

{#
    first_by('x', [('votes', 'desc'), ('value', 'asc')]): in an aggregate, x of the row that
    sorts first (x may be null; the keys are never null). On Spark, max_by or min_by over a
    struct of the keys: where the directions are mixed, a descending key must be a number.
#}
{% macro first_by(value, keys) -%}
    {{ return(adapter.dispatch('first_by')(value, keys)) }}
{%- endmacro %}

{% macro duckdb__first_by(value, keys) -%}
    first({{ value }} order by {% for key, direction in keys %}{{ key }} {{ direction }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{# keys all descending: max_by; else min_by, a descending key negated (a number) #}
{% macro spark__first_by(value, keys) -%}
    {%- set descending = keys | map(attribute=1) | select('equalto', 'desc') | list | length == keys | length -%}
    {%- set struct -%}
        named_struct({% for key, direction in keys %}'k{{ loop.index }}', {% if direction == 'desc' and not descending %}-{% endif %}{{ key }}{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endset -%}
    {%- if descending -%}
        max_by({{ value }}, {{ struct }})
    {%- else -%}
        min_by({{ value }}, {{ struct }})
    {%- endif -%}
{%- endmacro %}

{# The distinct non-null values of a column in an aggregate, as a sorted list. #}
{% macro sorted_set(column) -%}
    {{ return(adapter.dispatch('sorted_set')(column)) }}
{%- endmacro %}

{% macro duckdb__sorted_set(column) -%}
    list(distinct {{ column }} order by {{ column }}) filter (where {{ column }} is not null)
{%- endmacro %}

{% macro spark__sorted_set(column) -%}
    array_sort(collect_set({{ column }}))
{%- endmacro %}

{# A text field of a JSON document: json_text('raw_row', "'$.StartDate'") (the path is SQL). #}
{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text')(column, path)) }}
{%- endmacro %}

{% macro duckdb__json_text(column, path) -%}
    json_extract_string({{ column }}, {{ path }})
{%- endmacro %}

{% macro spark__json_text(column, path) -%}
    get_json_object({{ column }}, {{ path }})
{%- endmacro %}

{# SHA-256 as lower-case hex (DuckDB's sha256, Spark's sha2). #}
{% macro sha256_hex(text) -%}
    {{ return(adapter.dispatch('sha256_hex')(text)) }}
{%- endmacro %}

{% macro duckdb__sha256_hex(text) -%}
    sha256({{ text }})
{%- endmacro %}

{% macro spark__sha256_hex(text) -%}
    sha2({{ text }}, 256)
{%- endmacro %}

{# A digest of a set of rows, one bigint whatever their order: the exclusive or of the first 60
   bits of each row's MD5 (the same value on both engines, so a table holding it compares equal). #}
{% macro set_digest(text) -%}
    {{ return(adapter.dispatch('set_digest')(text)) }}
{%- endmacro %}

{% macro duckdb__set_digest(text) -%}
    bit_xor(cast('0x' || substr(md5({{ text }}), 1, 15) as bigint))
{%- endmacro %}

{% macro spark__set_digest(text) -%}
    bit_xor(cast(conv(substr(md5({{ text }}), 1, 15), 16, 10) as bigint))
{%- endmacro %}

{# Days as weeks, a double on both engines (Spark reads the literal 7.0 as a decimal). #}
{% macro weeks(days) -%}
    cast({{ days }} as double) / 7
{%- endmacro %}

{# A share as a percentage, a double on both engines. #}
{% macro percent(part, whole) -%}
    100 * cast({{ part }} as double) / {{ whole }}
{%- endmacro %}

{# In an aggregate: the non-null values of `expr`, sorted ascending, as a list. #}
{% macro sorted_list(expr) -%}
    {{ return(adapter.dispatch('sorted_list')(expr)) }}
{%- endmacro %}

{% macro duckdb__sorted_list(expr) -%}
    list_sort(list({{ expr }}) filter (where ({{ expr }}) is not null))
{%- endmacro %}

{% macro spark__sorted_list(expr) -%}
    array_sort(collect_list({{ expr }}))
{%- endmacro %}

{# The element at a 1-based position of a list (null beyond its end). #}
{% macro list_at(list, position) -%}
    {{ return(adapter.dispatch('list_at')(list, position)) }}
{%- endmacro %}

{% macro duckdb__list_at(list, position) -%}
    ({{ list }})[{{ position }}]
{%- endmacro %}

{# (Spark refuses position 0 even in try_element_at) #}
{% macro spark__list_at(list, position) -%}
    case when {{ position }} > 0 then try_element_at({{ list }}, {{ position }}) end
{%- endmacro %}

{#
    fmt('plan from {} never reviewed', ['plans.start_date']): text with each {} replaced by the
    next value written as text (a date as 2025-01-16), as DuckDB's format does. Spark's
    format_string would write a date as a day number: each value is cast to text first.
#}
{% macro fmt(template, values) -%}
    {{ return(adapter.dispatch('fmt')(template, values)) }}
{%- endmacro %}

{% macro duckdb__fmt(template, values) -%}
    format('{{ template }}', {{ values | join(', ') }})
{%- endmacro %}

{% macro spark__fmt(template, values) -%}
    format_string('{{ template | replace("%", "%%") | replace("{}", "%s") }}'
        {%- for value in values %}, cast({{ value }} as string){% endfor %})
{%- endmacro %}

{# In an aggregate: the distinct values of a column, sorted, joined by `separator`. #}
{% macro sorted_join(column, separator) -%}
    {{ return(adapter.dispatch('sorted_join')(column, separator)) }}
{%- endmacro %}

{% macro duckdb__sorted_join(column, separator) -%}
    string_agg(distinct {{ column }}, '{{ separator }}' order by {{ column }})
{%- endmacro %}

{% macro spark__sorted_join(column, separator) -%}
    array_join(array_sort(collect_set({{ column }})), '{{ separator }}')
{%- endmacro %}

{# A date `months` calendar months later (the last day of a shorter month when needed). #}
{% macro add_months(date, months) -%}
    {{ return(adapter.dispatch('add_months')(date, months)) }}
{%- endmacro %}

{% macro duckdb__add_months(date, months) -%}
    cast({{ date }} + to_months({{ months }}) as date)
{%- endmacro %}

{% macro spark__add_months(date, months) -%}
    add_months({{ date }}, {{ months }})
{%- endmacro %}

{# The first day of a date's month, as a date (date_trunc gives a timestamp on both engines). #}
{% macro month_start(date) -%}
    {{ return(adapter.dispatch('month_start')(date)) }}
{%- endmacro %}

{% macro duckdb__month_start(date) -%}
    cast(date_trunc('month', {{ date }}) as date)
{%- endmacro %}

{% macro spark__month_start(date) -%}
    trunc({{ date }}, 'month')
{%- endmacro %}

{# The first days of the months from the month of `first` to that of `last`, as rows of `name`. #}
{% macro month_series(first, last, name) -%}
    {{ return(adapter.dispatch('month_series')(first, last, name)) }}
{%- endmacro %}

{% macro duckdb__month_series(first, last, name) -%}
    unnest(generate_series({{ month_start(first) }}, {{ month_start(last) }}, interval 1 month))
        as {{ name }}
{%- endmacro %}

{% macro spark__month_series(first, last, name) -%}
    explode(sequence({{ month_start(first) }}, {{ month_start(last) }}, interval 1 month))
        as {{ name }}
{%- endmacro %}

{#
    The configuration of a table kept per delivery (models/marts/history): a refresh replaces
    its own delivery's rows. DuckDB deletes them and inserts; Spark (no delete on plain Parquet
    tables) overwrites the delivery's partition.
#}
{% macro per_delivery_config() -%}
    {%- if target.type == 'spark' -%}
        {{ return({'incremental_strategy': 'insert_overwrite', 'partition_by': ['delivery_as_at'],
                   'file_format': 'parquet'}) }}
    {%- else -%}
        {{ return({'incremental_strategy': 'delete+insert', 'unique_key': 'delivery_as_at'}) }}
    {%- endif -%}
{%- endmacro %}

-- What changed between the previous delivery the warehouse holds and this one: gaps opened and
-- closed, overlaps begun and resolved, counted by type and organisation (docs/marts.md). An
-- instance is the same across deliveries when its type, child, organisation, service and start
-- day agree; a child whose key was merged into another since is followed to the kept key
-- (int_child_key_history), so a merge is not counted as one gap closing and another opening.
-- Empty until a second delivery has been built. Rebuilt whole on each refresh.

{{ config(materialized='table') }}

with

dates as (select as_at from {{ ref('int_reporting_dates') }}),

previous as (

    select max(delivery_as_at) as previous_as_at
    from {{ ref('hist_gaps') }}
    where delivery_as_at < (select as_at from dates)

),

merged as (

    select old_key, min(new_key) as new_key
    from {{ ref('int_child_key_history') }}
    where reason = 'merge'
    group by old_key

),

open_gaps as (

    select
        gaps.delivery_as_at,
        gaps.gap_type as kind,
        coalesce(merged.new_key, gaps.child_key) as child_key,
        gaps.organisation,
        coalesce(gaps.service, '') as service,
        gaps.since
    from {{ ref('hist_gaps') }} as gaps
    left join merged on merged.old_key = gaps.child_key
    where gaps.status = 'open'

),

current_overlaps as (

    select
        instances.delivery_as_at,
        instances.overlap_type as kind,
        coalesce(merged.new_key, instances.child_key) as child_key,
        instances.organisations as organisation,
        coalesce(instances.service, '') as service,
        instances.since
    from {{ ref('hist_overlaps') }} as instances
    left join merged on merged.old_key = instances.child_key
    where instances.period = 'current'

),

gaps_now as (
    select kind, child_key, organisation, service, since from open_gaps
    where delivery_as_at = (select as_at from dates)
),

gaps_then as (
    select kind, child_key, organisation, service, since from open_gaps
    where delivery_as_at = (select previous_as_at from previous)
),

overlaps_now as (
    select kind, child_key, organisation, service, since from current_overlaps
    where delivery_as_at = (select as_at from dates)
),

overlaps_then as (
    select kind, child_key, organisation, service, since from current_overlaps
    where delivery_as_at = (select previous_as_at from previous)
),

changes as (

    select 'gap opened' as change, * from (select * from gaps_now except all select * from gaps_then)
    union all
    select 'gap closed', * from (select * from gaps_then except all select * from gaps_now)
    union all
    select 'overlap began', * from (select * from overlaps_now except all select * from overlaps_then)
    union all
    select 'overlap resolved', * from (select * from overlaps_then except all select * from overlaps_now)

),

final as (

    select
        dates.as_at,
        previous.previous_as_at,
        changes.change,
        changes.kind,
        changes.organisation,
        count(*) as instances,
        count(distinct changes.child_key) as children
    from changes
    cross join dates
    cross join previous
    where previous.previous_as_at is not null
    group by all

)

select * from final

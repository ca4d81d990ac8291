-- depends_on: {{ ref('int_identity_resolution') }}
-- The secret salt of the pseudonymous event keys in the marts (derived from the
-- pseudonymisation key by the identity-resolution run). Restricted zone only.

{{ config(materialized='view') }}

select salt from identity.event_key_salt

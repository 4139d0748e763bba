"""Open Referral HSDS 3.0: the serializer (`serialize`), the API (`api`), its OpenAPI document
and the official schemas it is tested against (`schema/`)."""

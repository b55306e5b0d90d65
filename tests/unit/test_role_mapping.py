"""Which roles a provider's claims give (engine.people.federated_login.RoleMapping)."""
from __future__ import annotations

import pytest

from engine.people.federated_login import RoleMapping
from engine.platform.settings import ConfigurationError

MAPPING = RoleMapping.parse("groups", '{"ballerup-ungeguides": "ungeguide", "ballerup-ledere": ["ungekoordinator", "admin"]}')


def test_each_claim_value_gives_its_roles_and_unknown_values_give_none():
    assert MAPPING.roles_for({"groups": ["ballerup-ungeguides", "ballerup-kantine"]}) == {"ungeguide"}
    assert MAPPING.roles_for({"groups": ["ballerup-ledere", "ballerup-ungeguides"]}) == {
        "ungeguide", "ungekoordinator", "admin"}
    assert MAPPING.roles_for({"groups": ["ballerup-kantine"]}) == frozenset()


def test_a_claim_holding_one_value_counts_like_a_list_of_one():
    assert MAPPING.roles_for({"groups": "ballerup-ungeguides"}) == {"ungeguide"}


def test_a_missing_or_odd_claim_gives_no_role():
    for claims in ({}, {"groups": None}, {"groups": {"ballerup-ungeguides": True}}, {"roles": ["ballerup-ungeguides"]}):
        assert MAPPING.roles_for(claims) == frozenset()


def test_the_mapping_may_come_as_a_dict_and_names_any_plain_role():
    assert RoleMapping.parse("roles", {"Tovholdere": "tovholder"}).roles_for({"roles": ["Tovholdere"]}) == {"tovholder"}


@pytest.mark.parametrize("mapping", ["not json", "[]", '{"g": "Admin"}', '{"g": ["admin", 3]}', '{"g": "admin; drop"}',
                                     '{"g": {"role": "admin"}}'])
def test_a_mapping_that_makes_no_sense_stops_the_app_naming_the_setting(mapping):
    with pytest.raises(ConfigurationError, match="SAMSPIL_OIDC_ROLE_MAP"):
        RoleMapping.parse("groups", mapping)


def test_an_empty_role_claim_is_refused():
    with pytest.raises(ConfigurationError, match="SAMSPIL_OIDC_ROLE_CLAIM"):
        RoleMapping.parse(" ", "{}")

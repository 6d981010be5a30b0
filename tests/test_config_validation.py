"""Config validation: every bad value is refused with a ConfigError that names its key."""

from __future__ import annotations

import pytest

from sim.config import ModelConfig, as_plain, validate_config
from sim.model import CommunityModel
from sim.schema import ConfigError

TRAINING = "interventions.empowerment_training"

BAD = [
    # wrong types
    ({"steps": "10"}, "steps"),
    ({"steps": 10.5}, "steps"),
    ({"steps": True}, "steps"),
    ({"seed": None}, "seed"),
    ({"community": {"n_residents": "many"}}, "community.n_residents"),
    ({"community": {"n_residents": 300.0}}, "community.n_residents"),
    ({"deliberation": {"facilitation": "high"}}, "deliberation.facilitation"),
    ({"participation": {"beta": None}}, "participation.beta"),
    ({"network": {"kind": 3}}, "network.kind"),
    ({"community": 5}, "community"),
    ({"issues": {"kinds": ["parking"]}}, "issues.kinds"),
    ({"interventions": ["empowerment_training"]}, "interventions"),
    ({"interventions": {"empowerment_training": {"target": {"courtyards": "1,2"}}}},
     f"{TRAINING}.target.courtyards"),
    # out of range
    ({"steps": 0}, "steps"),
    ({"steps": -3}, "steps"),
    ({"seed": -1}, "seed"),
    ({"community": {"n_residents": 0}}, "community.n_residents"),
    ({"community": {"n_residents": -5}}, "community.n_residents"),
    ({"community": {"share_free_riders": 1.5}}, "community.share_free_riders"),
    ({"officials": {"responsiveness": -0.1}}, "officials.responsiveness"),
    ({"officials": {"openness": 1.01}}, "officials.openness"),
    ({"officials": {"responsiveness": float("nan")}}, "officials.responsiveness"),
    ({"deliberation": {"susceptibility": float("inf")}}, "deliberation.susceptibility"),
    ({"deliberation": {"group_size": 1}}, "deliberation.group_size"),
    ({"community": {"attribute_concentration": 0.0}}, "community.attribute_concentration"),
    ({"issues": {"kinds": {"parking": {"salience": 2.0}}}}, "issues.kinds.parking.salience"),
    ({"interventions": {"empowerment_training": {"fade": 1.5}}}, f"{TRAINING}.fade"),
    ({"organisations": {"dissolve_capacity": 1.5}}, "organisations.dissolve_capacity"),
    ({"network": {"watts_strogatz": {"k": 1}}}, "network.watts_strogatz.k"),
    # unknown keys
    ({"bogus": 1}, "bogus"),
    ({"community": {"n_resident": 10}}, "community.n_resident"),
    ({"network": {"courtyard": {"size": 3}}}, "network.courtyard.size"),
    ({"issues": {"kinds": {"parking": {"salience": 0.5, "colour": "red"}}}}, "issues.kinds.parking.colour"),
    ({"interventions": {"empowerment_training": {"capacity_gian": 0.1}}}, f"{TRAINING}.capacity_gian"),
    # unknown names
    ({"deliberation": {"mode": "telepathy"}}, "deliberation.mode"),
    ({"deliberation": {"leader_assignment": "lottery"}}, "deliberation.leader_assignment"),
    ({"network": {"kind": "lattice"}}, "network.kind"),
    ({"issues": {"kinds": {"parking": {"scope": "city"}}}}, "issues.kinds.parking.scope"),
    ({"interventions": {"cash_transfer": {}}}, "interventions.cash_transfer"),
    ({"interventions": {"empowerment_training": {"target": {"kind": "everyone"}}}}, f"{TRAINING}.target.kind"),
    ({"interventions": {"random_leader_assignment": {"target": {"kind": "residents"}}}},
     "interventions.random_leader_assignment.target.kind"),
    # inconsistent values
    ({"community": {"n_residents": 50}, "leaders": {"n_initial": 51}}, "leaders.n_initial"),
    ({"community": {"n_residents": 20}}, "leaders.n_initial"),  # the default 40 leaders
    ({"community": {"n_residents": 100}, "leaders": {"n_initial": 5}, "deliberation": {"council_size": 101}},
     "deliberation.council_size"),
    ({"community": {"share_young": 0.6, "share_elderly": 0.5}}, "community.share_elderly"),
    ({"community": {"share_conditional_cooperators": 0.7, "share_free_riders": 0.4}},
     "community.share_free_riders"),
    ({"officials": {"partnership_threshold": 0.3, "delegation_threshold": 0.5}}, "officials.delegation_threshold"),
    ({"issues": {"kinds": {}}}, "issues.kinds"),
    ({"issues": {"kinds": {"parking": {"weight": 0.0}}}}, "issues.kinds"),
    ({"community": {"n_residents": 100}, "leaders": {"n_initial": 5},
      "network": {"kind": "watts_strogatz", "watts_strogatz": {"k": 100}}}, "network.watts_strogatz.k"),
    ({"network": {"kind": "watts_strogatz", "watts_strogatz": {"k": 5}}}, "network.watts_strogatz.k"),
    ({"community": {"n_residents": 100}, "leaders": {"n_initial": 5},
      "network": {"kind": "barabasi_albert", "barabasi_albert": {"m": 100}}}, "network.barabasi_albert.m"),
    ({"interventions": {"empowerment_training": {"schedule": {"start": 20, "end": 10}}}},
     f"{TRAINING}.schedule.end"),
    ({"steps": 10, "interventions": {"empowerment_training": {}}}, f"{TRAINING}.schedule.start"),
    ({"community": {"n_residents": 100}, "leaders": {"n_initial": 5},
      "interventions": {"empowerment_training": {"target": {"kind": "residents", "count": 101}}}},
     f"{TRAINING}.target.count"),
    ({"interventions": {"empowerment_training": {"target": {"kind": "officials", "count": 7}}}},
     f"{TRAINING}.target.count"),
    ({"interventions": {"empowerment_training": {"target": {"kind": "courtyards"}}}},
     f"{TRAINING}.target.courtyards"),
    ({"interventions": {"empowerment_training": {"target": {"kind": "courtyards", "courtyards": [-1]}}}},
     f"{TRAINING}.target.courtyards"),
    # an edge list that is not there
    ({"network": {"kind": "edgelist"}}, "network.edgelist.path"),
    ({"network": {"kind": "edgelist", "edgelist": {"path": "/nonexistent/ties.csv"}}}, "network.edgelist.path"),
]


@pytest.mark.parametrize("raw, key", BAD, ids=[f"{k}-{i}" for i, (_, k) in enumerate(BAD)])
def test_bad_value_is_refused_naming_its_key(raw, key):
    with pytest.raises(ConfigError) as info:
        validate_config(raw)
    assert info.value.key == key
    message = str(info.value)
    assert message.startswith(f"config error: {key} = ")
    assert "is not allowed" in message
    assert "\n" not in message


def test_the_model_refuses_bad_config_too():
    with pytest.raises(ConfigError) as info:
        CommunityModel({"steps": 0})
    assert info.value.key == "steps"


def test_edge_list_nodes_file_that_is_not_there(tmp_path):
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target\na,b\n")
    raw = {"network": {"kind": "edgelist", "edgelist": {"path": str(ties),
                                                         "nodes_path": str(tmp_path / "nodes.csv")}}}
    with pytest.raises(ConfigError) as info:
        validate_config(raw)
    assert info.value.key == "network.edgelist.nodes_path"


# -- edge-list contents are checked when the network is built -----------------------------------
def _edgelist_model(path, nodes_path=None, n=4):
    return CommunityModel({
        "community": {"n_residents": n}, "leaders": {"n_initial": 1},
        "deliberation": {"council_size": 1},
        "network": {"kind": "edgelist", "edgelist": {"path": str(path),
                                                      "nodes_path": str(nodes_path) if nodes_path else None}},
    })


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 8,                       # binary garbage
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",  # a picture, not a table
    b"",                                         # empty
    b"from,to\na,b\nb,c\nc,d\n",                 # no source/target columns
    b"source\na\nb\nc\nd\n",                     # target column missing
    b"source,target\na,b\nb,\nc,d\n",            # empty cell
])
def test_unreadable_edge_list_is_refused(tmp_path, content):
    ties = tmp_path / "ties.csv"
    ties.write_bytes(content)
    with pytest.raises(ConfigError) as info:
        _edgelist_model(ties)
    assert info.value.key == "network.edgelist.path"
    assert str(ties) in str(info.value)


def test_edge_list_naming_unknown_nodes_is_refused(tmp_path):
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target\nann,bo\nbo,cy\ncy,zed\n")
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("node\nann\nbo\ncy\ndee\n")
    with pytest.raises(ConfigError) as info:
        _edgelist_model(ties, nodes)
    assert info.value.key == "network.edgelist.path"
    assert "row 3 names a node" in str(info.value) and "zed" not in str(info.value)  # the file is never quoted


def test_nodes_file_without_node_column_is_refused(tmp_path):
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target\nann,bo\n")
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("name\nann\nbo\n")
    with pytest.raises(ConfigError) as info:
        _edgelist_model(ties, nodes, n=2)
    assert info.value.key == "network.edgelist.nodes_path"


def test_edge_list_size_must_match_n_residents(tmp_path):
    ties = tmp_path / "ties.csv"
    ties.write_text("source,target\nann,bo\nbo,cy\n")
    with pytest.raises(ConfigError) as info:
        _edgelist_model(ties, n=4)
    assert info.value.key == "community.n_residents"
    assert "3" in str(info.value)


# -- good configs -------------------------------------------------------------------------------
def test_empty_config_gives_the_defaults():
    assert validate_config({}) == ModelConfig()
    assert validate_config(None) == ModelConfig()


def test_plain_round_trip():
    cfg = validate_config({"seed": 3, "community": {"n_residents": 300}, "leaders": {"n_initial": 10},
                           "interventions": {"empowerment_training": {"target": {"count": 5}}}})
    assert validate_config(as_plain(cfg)) == cfg
    assert validate_config(cfg) == cfg


def test_values_are_typed():
    cfg = validate_config({"officials": {"responsiveness": 1}, "community": {"n_residents": 300}})
    assert isinstance(cfg.officials.responsiveness, float)
    assert cfg.community.n_residents == 300
    assert cfg.community.share_young == ModelConfig().community.share_young  # untouched default

"""Secret config stays secret: a secret setting reaches resources only as a secret Output, is refused when
stored in plain text, and its value never appears in an error message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pulumi
import pytest

import offline
from components.config import ConfigError, Secret, load, parse, validate
from components.config.loading import stack_file_config
from components.config.types import Section
from offline import stackfiles
from offline.stackfiles import PROJECT_DIR
from tests.helpers import SECRET_SIGNATURE, STACKS


class Probe(Section):
    """A section with a secret setting, as the workloads and edge tiers will have."""

    webhook: Secret
    channel: str = "alerts"


PROBE_PROGRAM = """
import pulumi
import pulumi_aws as aws
from components.config import validate
from tests.test_config_secrets import Probe

config, secret_keys = pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env()
probe = validate(Probe, pulumi.get_stack(), config, secret_keys)
# Description and tags: inputs the provider does not make secret by itself.
aws.ssm.Parameter("probe", type="String", value="-", description=probe.webhook.output, tags={"Channel": probe.channel})
"""


def _project_with(tmp_path: Path, stack_file: str) -> Path:
    shutil.copy(PROJECT_DIR / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    path = tmp_path / "Pulumi.probe.yaml"
    path.write_text(stack_file)
    return path


def test_a_secret_from_the_stack_file_reaches_the_resource_as_a_secret(tmp_path: Path) -> None:
    stack_path = _project_with(tmp_path, "config:\n  sentinel:webhook:\n    secure: AAABAGNpcGhlcnRleHQ=\n")
    program = tmp_path / "__main__.py"
    program.write_text(PROBE_PROGRAM)
    graph = offline.run("probe", stack_path=stack_path, program=program)
    probe = graph.named("aws:ssm/parameter:Parameter", "probe").inputs
    assert {key: probe["description"].get(key) for key in SECRET_SIGNATURE} == SECRET_SIGNATURE
    assert probe["tags"] == {"Channel": "alerts"}


def test_a_secret_stored_in_plain_text_is_refused_with_the_command_that_fixes_it() -> None:
    with pytest.raises(ConfigError) as refused:
        validate(Probe, "prod", {"sentinel:webhook": "https://hooks.example/T0KEN"})
    [problem] = refused.value.problems
    assert problem.startswith("sentinel:webhook: is a secret: store it encrypted with ")
    assert "`pulumi config set --secret --path 'sentinel:webhook'`" in problem
    assert "T0KEN" not in problem


def test_the_value_of_a_secret_key_is_never_shown() -> None:
    config = {"sentinel:webhook": "", "sentinel:channel": "alerts"}
    with pytest.raises(ConfigError) as refused:
        validate(Probe, "prod", {**config, "sentinel:webhook": "T0KEN", "sentinel:channel": 7}, ["sentinel:webhook"])
    assert refused.value.problems == ["sentinel:channel = 7: Input should be a valid string"]
    with pytest.raises(ConfigError) as refused:
        validate(Probe, "prod", config, ["sentinel:webhook"])
    assert refused.value.problems == [
        "sentinel:webhook (secret value not shown): String should have at least 1 character"
    ]


def test_a_plain_setting_stored_as_a_secret_is_refused_rather_than_leaked(tmp_path: Path) -> None:
    stack_file = (
        (PROJECT_DIR / "Pulumi.prod.yaml")
        .read_text()
        .replace("owner: platform-team", "owner:\n      secure: AAABAGNpcGhlcnRleHQ=")
    )
    with pytest.raises(offline.ProgramFailedError) as failed:
        offline.run("prod", stack_path=_project_with(tmp_path, stack_file))
    assert isinstance(failed.value.error, ConfigError)
    [problem] = failed.value.error.problems
    assert problem.startswith("sentinel:tags (secret value not shown): is stored as a secret, but no setting in it")
    assert len(failed.value.graph) == 0


# prod's stack file with one of its encrypted third-party keys written in plain text beside the others.
_ENCRYPTED_SENTRY_DSN = "      sentryDsn:\n        secure: AAABAHplcm8tcGxhY2Vob2xkZXI=\n"
_PLAIN_SENTRY_DSN = "      sentryDsn: https://T0KEN@sentry.example/1\n"


def _prod_with_a_plain_secret_beside_encrypted_ones(tmp_path: Path) -> Path:
    stack_file = (PROJECT_DIR / "Pulumi.prod.yaml").read_text()
    assert _ENCRYPTED_SENTRY_DSN in stack_file
    return _project_with(tmp_path, stack_file.replace(_ENCRYPTED_SENTRY_DSN, _PLAIN_SENTRY_DSN))


def test_a_secret_in_plain_text_beside_encrypted_ones_is_refused(tmp_path: Path) -> None:
    # The CLI marks all of sentinel:workloads secret for its encrypted values, so only the stack file tells.
    path = _prod_with_a_plain_secret_beside_encrypted_ones(tmp_path)
    _, config, secret_keys = stackfiles.load(path)
    assert secret_keys == ["cloudflare:apiToken", "sentinel:workloads"]
    with pytest.raises(ConfigError) as refused:
        parse("probe", config, secret_keys, stored=stack_file_config(tmp_path, "probe"))
    assert refused.value.problems == [
        "sentinel:workloads.keys.sentryDsn: is a secret, stored in plain text in the stack file: store it encrypted "
        "with `pulumi config set --secret --path 'sentinel:workloads.keys.sentryDsn'`; an encrypted value elsewhere "
        "in sentinel:workloads marks that whole key secret, so the state would hide it but the stack file would not"
    ]


def test_the_running_program_reads_the_stack_file_where_the_cli_says_the_project_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, config, secret_keys = stackfiles.load(_prod_with_a_plain_secret_beside_encrypted_ones(tmp_path))
    # What the CLI's language host hands a program: config in the environment, the stack and the project root.
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(secret_keys))
    monkeypatch.setattr(pulumi, "get_stack", lambda: "probe")
    monkeypatch.setattr(pulumi, "get_root_directory", lambda: str(tmp_path))
    with pytest.raises(ConfigError) as refused:
        load()
    [problem] = refused.value.problems
    assert problem.startswith("sentinel:workloads.keys.sentryDsn: is a secret, stored in plain text in the stack")


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_file_stores_each_secret_encrypted(stack: str) -> None:
    _, config, secret_keys = stackfiles.load(stackfiles.stack_file(stack))
    assert parse(stack, config, secret_keys, stored=stack_file_config(PROJECT_DIR, stack)).environment == stack

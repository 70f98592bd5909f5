"""Guards against stack-file edits that would quietly deploy something else: a stack named for an environment
that says another, keys in a config namespace nothing reads (a misspelt `sentinal:`), and a database engine newer
than the logical backup's pg_dump."""

from __future__ import annotations

from components.config import parse
from components.config.loading import NAMESPACES
from offline import stackfiles
from tests.helpers import load, problems_of


def test_a_stack_named_for_an_environment_must_be_that_environment() -> None:
    assert problems_of({"sentinel:environment": "staging"}, "prod") == [
        "sentinel:environment = \"staging\": must be 'prod' in stack 'prod': the environment chooses protection, "
        "sizing and policy levels, so a prod stack file that said staging would drop protection from every "
        "stateful resource; only an ephemeral stack (such as pr-123) chooses its own environment"
    ]
    [problem] = problems_of({"sentinel:environment": "prod"}, "dev")
    assert problem.startswith("sentinel:environment = \"prod\": must be 'dev' in stack 'dev':")


def test_an_ephemeral_stack_chooses_its_own_environment() -> None:
    _, config, secret_keys = stackfiles.load(stackfiles.stack_file("prod"), {"sentinel:environment": "staging"})
    assert parse("pr-123", config, secret_keys).environment == "staging"


def test_a_misspelt_namespace_is_refused_with_the_closest_allowed_one() -> None:
    assert problems_of({"sentinal:database.readers": 3}) == [
        "sentinal:database: unknown config namespace 'sentinal' (a typo of 'sentinel'?), which nothing reads; "
        "allowed namespaces: cloudflare, pulumi, sentinel"
    ]


def test_a_provider_namespace_the_program_does_not_read_is_refused() -> None:
    # Every provider is built explicitly from sentinel: settings, so `aws:region` would change nothing.
    assert problems_of({"aws:region": "us-west-2"}) == [
        "aws:region: unknown config namespace 'aws', which nothing reads; allowed namespaces: cloudflare, pulumi, "
        "sentinel"
    ]


def test_the_namespaces_the_stacks_and_the_program_use_are_accepted() -> None:
    config = load("prod", {"cloudflare:apiToken": "token", "pulumi:disable-default-providers": ["aws"]})
    assert config.environment == "prod"


def test_the_test_harness_namespace_is_accepted_only_where_a_harness_adds_it() -> None:
    _, config, secret_keys = stackfiles.load(stackfiles.stack_file("dev"), {"tests:wiring": "network"})
    [problem] = problems_of({"tests:wiring": "network"}, "dev")
    assert problem.startswith("tests:wiring: unknown config namespace 'tests', which nothing reads")
    assert parse("dev", config, secret_keys, namespaces=NAMESPACES | {"tests"}).environment == "dev"


def test_a_newer_engine_needs_a_pg_dump_of_its_major_or_newer() -> None:
    assert problems_of({"sentinel:database.engineVersion": 17}) == [
        # The workloads section holds secrets, so no value of it is shown.
        "sentinel:workloads.logicalBackup.postgresImageTag (secret value not shown): runs a pg_dump older than the "
        "database's engine (sentinel:database.engineVersion 17), which pg_dump refuses to dump: use a 17 tag or "
        "newer, such as '17-alpine'"
    ]
    upgraded = load(
        "prod",
        {"sentinel:database.engineVersion": 17, "sentinel:workloads.logicalBackup.postgresImageTag": "17.2-alpine"},
    )
    assert upgraded.database.engine_version == 17


def test_a_newer_pg_dump_than_the_engine_is_accepted() -> None:
    config = load("prod", {"sentinel:workloads.logicalBackup.postgresImageTag": "17.2-alpine"})
    assert config.workloads.logical_backup.postgres_image_tag == "17.2-alpine"


def test_a_dump_image_tag_without_a_major_is_refused() -> None:
    [problem] = problems_of({"sentinel:workloads.logicalBackup.postgresImageTag": "alpine"})
    assert problem.endswith(": names no PostgreSQL major: use a tag that starts with one, such as '16-alpine'")

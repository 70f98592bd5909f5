"""Identity, keys and secrets: IAM roles, their policies and instance profiles, KMS keys and aliases, and the
Secrets Manager secrets and generated passwords the data stores' credentials live in."""

from __future__ import annotations

from policies.rules.deploy_constraints.allowed import (
    UNIQUE_SUFFIX,
    Allowed,
    among,
    between,
    characters,
    length,
    not_starting_with,
    policy_size,
    starting_with,
)
from policies.rules.deploy_constraints.kinds import Constraints, OneOf, Tags, Value
from policies.rules.deploy_constraints.sources import (
    ATTACH_ROLE_POLICY,
    CREATE_ALIAS,
    CREATE_INSTANCE_PROFILE,
    CREATE_KEY,
    CREATE_ROLE,
    CREATE_SECRET,
    IAM_QUOTAS,
    KMS_QUOTAS,
    PUT_ROLE_POLICY,
    PUT_SECRET_VALUE,
    REPLICA_REGION,
)
from policies.support.aws import (
    IAM_INSTANCE_PROFILE,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    KMS_ALIAS,
    KMS_KEY,
    RANDOM_PASSWORD,
    SECRET,
    SECRET_VERSION,
)
from policies.support.values import number

_IAM_NAME_CHARACTERS = characters(r"[\w+=,.@-]+", "letters, digits and _+=,.@-")
_ALIAS_CHARACTERS = characters(r"[a-zA-Z0-9:/_-]+", "letters, digits and :/_-")

CONSTRAINTS: Constraints = {
    IAM_ROLE: (
        Value("name", length(64), CREATE_ROLE),
        Value("name", _IAM_NAME_CHARACTERS, CREATE_ROLE),
        Value("namePrefix", length(64 - UNIQUE_SUFFIX), CREATE_ROLE),
        Value("namePrefix", _IAM_NAME_CHARACTERS, CREATE_ROLE),
        OneOf(("name", "namePrefix"), "pulumi_aws/iam/role.py (name_prefix)", required=False),
        Value("path", length(512), CREATE_ROLE),
        Value("path", characters(r"/|/[\x21-\x7e]+/", "/ or printable ASCII between two /"), CREATE_ROLE),
        Value("description", length(1000, minimum=0), CREATE_ROLE),
        Value(
            "description",
            characters(r"[\t\n\r\x20-\x7e\xa1-\xff]*", "printable Latin-1 characters, tabs and line breaks"),
            CREATE_ROLE,
        ),
        Value("maxSessionDuration", between(3600, 43200), CREATE_ROLE),
        Value("assumeRolePolicy", policy_size(2048), IAM_QUOTAS),
        Tags(),
    ),
    IAM_ROLE_POLICY: (
        Value("name", length(128), PUT_ROLE_POLICY),
        Value("name", _IAM_NAME_CHARACTERS, PUT_ROLE_POLICY),
        Value("namePrefix", length(128 - UNIQUE_SUFFIX), PUT_ROLE_POLICY),
        Value("namePrefix", _IAM_NAME_CHARACTERS, PUT_ROLE_POLICY),
        # A role's inline policies together may not exceed this; one of them alone certainly may not.
        Value("policy", policy_size(10240), IAM_QUOTAS),
    ),
    IAM_ROLE_POLICY_ATTACHMENT: (
        Value("policyArn", length(2048, minimum=20), ATTACH_ROLE_POLICY),
        Value("policyArn", starting_with("arn:aws:iam::"), ATTACH_ROLE_POLICY),
    ),
    IAM_INSTANCE_PROFILE: (
        Value("namePrefix", length(128 - UNIQUE_SUFFIX), CREATE_INSTANCE_PROFILE),
        Value("namePrefix", _IAM_NAME_CHARACTERS, CREATE_INSTANCE_PROFILE),
        Tags(),
    ),
    KMS_KEY: (
        Value("description", length(8192, minimum=0), CREATE_KEY),
        Value("deletionWindowInDays", between(7, 30), "pulumi_aws/kms/key.py (deletion_window_in_days)"),
        Value("rotationPeriodInDays", between(90, 2560), "pulumi_aws/kms/key.py (rotation_period_in_days)"),
        Value(
            "keyUsage",
            among("ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"),
            "pulumi_aws/kms/key.py (key_usage)",
        ),
        Value("policy", length(32768), KMS_QUOTAS),
        Tags(),
    ),
    KMS_ALIAS: (
        Value("name", length(256), CREATE_ALIAS),
        Value("name", _ALIAS_CHARACTERS, CREATE_ALIAS),
        Value("name", starting_with("alias/"), CREATE_ALIAS),
        Value("name", not_starting_with("alias/aws/"), CREATE_ALIAS),
        Value("namePrefix", length(256 - UNIQUE_SUFFIX), CREATE_ALIAS),
        Value("namePrefix", _ALIAS_CHARACTERS, CREATE_ALIAS),
        Value("namePrefix", starting_with("alias/"), CREATE_ALIAS),
        Value("namePrefix", not_starting_with("alias/aws/"), CREATE_ALIAS),
        OneOf(("name", "namePrefix"), "pulumi_aws/kms/alias.py (name_prefix)", required=False),
    ),
    SECRET: (
        Value("name", length(512), CREATE_SECRET),
        Value("namePrefix", length(512 - UNIQUE_SUFFIX), CREATE_SECRET),
        Value("namePrefix", characters(r"[A-Za-z0-9/_+=.@-]+", "letters, digits and /_+=.@-"), CREATE_SECRET),
        Value("description", length(2048, minimum=0), CREATE_SECRET),
        Value(
            "recoveryWindowInDays",
            Allowed(
                lambda v: number(v) == 0 or between(7, 30).accepts(v),
                "0 (delete at once) or whole numbers from 7 to 30",
            ),
            "pulumi_aws/secretsmanager/secret.py (recovery_window_in_days)",
        ),
        Value("replicas[].region", characters(r"([a-z]+-)+\d+", "region codes such as us-west-2"), REPLICA_REGION),
        Tags(),
    ),
    SECRET_VERSION: (
        OneOf(
            ("secretString", "secretBinary", "secretStringWo"),
            "pulumi_aws/secretsmanager/secret_version.py (secret_string, secret_binary, secret_string_wo) and "
            + PUT_SECRET_VALUE,
        ),
    ),
    RANDOM_PASSWORD: (Value("length", between(1, 1024), "pulumi_random/random_password.py (length)"),),
}

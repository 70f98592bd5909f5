"""Deploy constraints of identity, keys and secrets (IAM roles and policies, KMS keys and aliases, Secrets Manager,
passwords): the inputs the program sets pass, and each constraint reports the value that breaks it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.rules.deploy_constraints import identity
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
from tests.deploy_constraint_cases import TRUST_POLICY, constraint_case, unknown_values_test, untested_constraints
from tests.policy_builders import UNKNOWN, property_rule_tests


def _oversized_policy(characters: int) -> str:
    """A policy document of more than `characters` characters besides whitespace."""
    statement = {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}
    count = characters // len(json.dumps(statement, separators=(",", ":"))) + 1
    return json.dumps({"Version": "2012-10-17", "Statement": [statement] * count}, indent=4)


COMPLIANT: dict[str, dict[str, Any]] = {
    IAM_ROLE: {
        "namePrefix": "sentinel-flow-logs-",
        "path": "/service-role/",
        "description": "Delivers VPC flow logs",
        "maxSessionDuration": 3600,
        "assumeRolePolicy": TRUST_POLICY,
    },
    IAM_ROLE_POLICY: {"role": "flow-logs", "name": "deliver-flow-logs", "policy": TRUST_POLICY},
    KMS_KEY: {
        "description": "VPC flow logs of sentinel-prod",
        "deletionWindowInDays": 30,
        "keyUsage": "ENCRYPT_DECRYPT",
        "policy": TRUST_POLICY,
    },
    KMS_ALIAS: {"name": "alias/sentinel-prod/flow-logs", "targetKeyId": "key-1"},
    IAM_ROLE_POLICY_ATTACHMENT: {"role": "nodes", "policyArn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"},
    IAM_INSTANCE_PROFILE: {"namePrefix": "sentinel-prod-bastion-", "role": "bastion"},
    SECRET: {
        "namePrefix": "sentinel-prod-database-",
        "description": "Credentials",
        "recoveryWindowInDays": 30,
        "replicas": [{"region": "us-west-2", "kmsKeyId": "arn:aws:kms:us-west-2:111111111111:key/dr"}],
    },
    SECRET_VERSION: {"secretId": "secret-1", "secretString": "{}"},
    RANDOM_PASSWORD: {"length": 64, "special": False},
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(IAM_ROLE, {"namePrefix": None, "name": "r" * 65}, "name is", "role-name-length"),
    case(IAM_ROLE, {"namePrefix": None, "name": "flow logs"}, 'name is "flow logs": AWS allows letters', "role-name"),
    case(IAM_ROLE, {"namePrefix": "r" * 39}, "namePrefix is", "role-prefix-length"),
    case(IAM_ROLE, {"namePrefix": "flow/logs-"}, 'namePrefix is "flow/logs-"', "role-prefix"),
    case(IAM_ROLE, {"name": "flow-logs"}, 'name "flow-logs" and namePrefix', "role-name-and-prefix"),
    case(IAM_ROLE, {"path": "service-role"}, 'path is "service-role": AWS allows / or printable', "role-path"),
    case(IAM_ROLE, {"path": "/" + "p" * 511 + "/"}, "path is", "role-path-length"),
    case(IAM_ROLE, {"description": "d" * 1001}, "description is", "role-description-length"),
    case(IAM_ROLE, {"description": "Flow logs \u2192 CloudWatch"}, "description is", "role-description"),
    case(
        IAM_ROLE,
        {"maxSessionDuration": 60},
        "maxSessionDuration is 60: AWS allows whole numbers from 3600",
        "session-duration",
    ),
    case(IAM_ROLE, {"assumeRolePolicy": _oversized_policy(2048)}, "assumeRolePolicy is", "trust-policy-size"),
    case(IAM_ROLE_POLICY, {"name": "p" * 129}, "name is", "role-policy-name-length"),
    case(IAM_ROLE_POLICY, {"name": "flow logs"}, 'name is "flow logs"', "role-policy-name"),
    case(IAM_ROLE_POLICY, {"name": None, "namePrefix": "p" * 103}, "namePrefix is", "role-policy-prefix-length"),
    case(IAM_ROLE_POLICY, {"name": None, "namePrefix": "a b"}, 'namePrefix is "a b"', "role-policy-prefix"),
    case(
        IAM_ROLE_POLICY,
        {"policy": _oversized_policy(10240)},
        "policy is",
        "role-policy-size",
    ),
    case(KMS_KEY, {"description": "d" * 8193}, "description is", "key-description-length"),
    case(
        KMS_KEY,
        {"deletionWindowInDays": 6},
        "deletionWindowInDays is 6: AWS allows whole numbers from 7 to 30",
        "deletion-window-too-short",
    ),
    case(KMS_KEY, {"deletionWindowInDays": 31}, "deletionWindowInDays is 31", "deletion-window-too-long"),
    case(
        KMS_KEY,
        {"rotationPeriodInDays": 30},
        "rotationPeriodInDays is 30: AWS allows whole numbers from 90",
        "rotation-period",
    ),
    case(KMS_KEY, {"keyUsage": "ENCRYPT"}, 'keyUsage is "ENCRYPT": AWS allows one of', "key-usage"),
    case(KMS_KEY, {"policy": "p" * 32769}, "policy is", "key-policy-size"),
    case(
        KMS_ALIAS,
        {"name": "sentinel-prod/flow-logs"},
        'name is "sentinel-prod/flow-logs": AWS allows values starting with alias/',
        "alias-prefix",
    ),
    case(KMS_ALIAS, {"name": "alias/aws/s3"}, 'name is "alias/aws/s3": AWS allows no value starting', "alias-aws"),
    case(KMS_ALIAS, {"name": "alias/" + "a" * 251}, "name is", "alias-length"),
    case(KMS_ALIAS, {"name": "alias/flow logs"}, 'name is "alias/flow logs": AWS allows letters', "alias-characters"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "alias/" + "a" * 225}, "namePrefix is", "alias-prefix-length"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "alias/a b"}, 'namePrefix is "alias/a b"', "alias-prefix-chars"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "flow-"}, 'namePrefix is "flow-"', "alias-prefix-start"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "alias/aws/"}, 'namePrefix is "alias/aws/"', "alias-prefix-aws"),
    case(KMS_ALIAS, {"namePrefix": "alias/flow-"}, 'name "alias/sentinel-prod/flow-logs" and namePrefix', "alias-two"),
    case(
        IAM_ROLE_POLICY_ATTACHMENT,
        {"policyArn": "arn:aws:iam::aws:policy/" + "p" * 2030},
        'policyArn is "arn:aws:iam::aws:policy/ppp',
        "policy-arn-length",
    ),
    case(IAM_INSTANCE_PROFILE, {"namePrefix": "p" * 103}, "namePrefix is", "profile-prefix-length"),
    case(IAM_INSTANCE_PROFILE, {"namePrefix": "bastion profile"}, 'namePrefix is "bastion profile"', "profile-prefix"),
    case(IAM_INSTANCE_PROFILE, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "profile-tags"),
    case(
        IAM_ROLE_POLICY_ATTACHMENT,
        {"policyArn": "AWSBackupServiceRolePolicyForBackup"},
        'policyArn is "AWSBackupServiceRolePolicyForBackup": AWS allows values starting with arn:aws:iam::',
        "policy-attachment-arn",
    ),
    case(SECRET, {"namePrefix": None, "name": "n" * 513}, "name is", "secret-name-length"),
    case(SECRET, {"namePrefix": "p" * 487}, "namePrefix is", "secret-prefix-length"),
    case(SECRET, {"namePrefix": "db secret"}, 'namePrefix is "db secret": AWS allows letters', "secret-prefix"),
    case(SECRET, {"description": "d" * 2049}, "description is", "secret-description-length"),
    case(SECRET, {"recoveryWindowInDays": 3}, "recoveryWindowInDays is 3: AWS allows 0 (delete at once)", "recovery"),
    case(SECRET, {"replicas": [{"region": "US West 2"}]}, 'replicas[0].region is "US West 2"', "replica-region"),
    case(SECRET_VERSION, {"secretBinary": "AAAA"}, 'secretString "{}" and secretBinary "AAAA" are set together', "sv"),
    case(
        IAM_ROLE_POLICY_ATTACHMENT,
        {"policyArn": "AmazonRDSEnhancedMonitoringRole"},
        'policyArn is "AmazonRDSEnhancedMonitoringRole": AWS allows values starting with arn:aws:iam::',
        "policy-arn",
    ),
    case(RANDOM_PASSWORD, {"length": 0}, "length is 0: AWS allows whole numbers from 1 to 1024", "password-length"),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(identity.CONSTRAINTS, CASES) == []


UNKNOWN_CASES = [
    pytest.param(IAM_ROLE, {"assumeRolePolicy": UNKNOWN}, id="trust-policy"),
]

test_unknown_values_are_not_violations = unknown_values_test(COMPLIANT, UNKNOWN_CASES)

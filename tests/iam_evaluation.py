"""A small IAM policy evaluator, so tests can ask "may this principal do this action on this resource?" of the
documents the program builds, instead of comparing the strings two tests pin separately.

It follows the IAM evaluation logic for the parts the platform's documents use
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):

- a matching Deny wins over any Allow; without a matching Allow the request is implicitly denied;
- a statement matches when its Principal (resource policies only), Action or NotAction, Resource or NotResource
  (absent in role trust policies, which apply to the role itself) and every condition match;
- `*` and `?` are wildcards in actions (case-insensitively) and resources (case-sensitively);
- conditions: every operator of a block and every key of an operator must hold; a key's values are alternatives.
  The principal's own keys (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalServiceName) join the context
  the caller gives. A key missing from the request context fails a positive operator and satisfies a negated one
  (StringNotEquals, ArnNotLike, ...) or one with the `IfExists` suffix; `Null` tests presence. Keys are
  case-insensitive.

Anything else (another operator, set operators, policy variables, federated principals) raises
`UnsupportedPolicyError`: an evaluator that silently skipped what it does not know would report Allow where AWS denies.

Principals. A service is named by its service principal. An IAM principal is named by its ARN; a statement naming
an account (`123456789012` or `arn:aws:iam::123456789012:root`) admits the account root itself directly, and the
account's other principals only through their identity policies: the resource policy then answers `delegated`
(how key policies "enable IAM policies", and how a bucket policy admits a whole account).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Decision = Literal["allow", "delegated", "explicit deny", "implicit deny"]
"""`delegated`: only a statement naming the principal's account allows, so its identity policies decide."""

STATEMENT_ELEMENTS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)
NEGATED_OPERATORS = frozenset(
    {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}
)
ACCOUNT_ROOT = re.compile(r"arn:aws:iam::(?P<account>\d{12}):root")


class UnsupportedPolicyError(ValueError):
    """The document uses something this evaluator does not implement; extend it rather than skip the check."""


@dataclass(frozen=True)
class Principal:
    """Who makes a request: an AWS service (`service`) or an IAM principal (`arn`: a role, a user, an account root)."""

    service: str | None = None
    arn: str | None = None

    def __post_init__(self) -> None:
        if (self.service is None) == (self.arn is None):
            raise ValueError("a principal is either a service or an IAM ARN")

    @classmethod
    def of_service(cls, service: str) -> Principal:
        return cls(service=service)

    @classmethod
    def of_arn(cls, arn: str) -> Principal:
        return cls(arn=arn)

    @classmethod
    def account_root(cls, account: str) -> Principal:
        return cls(arn=f"arn:aws:iam::{account}:root")

    def __str__(self) -> str:
        return str(self.service or self.arn)

    @property
    def account(self) -> str | None:
        return self.arn.split(":")[4] if self.arn is not None else None


@dataclass(frozen=True)
class Request:
    """One API call as IAM sees it: who, which action, on which resource ARN, with which context keys."""

    principal: Principal
    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)


def document_of(policy: str | Mapping[str, Any]) -> Mapping[str, Any]:
    """A policy document, from its JSON text (as resources' inputs carry it) or already parsed."""
    return json.loads(policy) if isinstance(policy, str) else policy


def resource_policy_decision(policy: str | Mapping[str, Any], request: Request) -> Decision:
    """What a resource policy (bucket, key, topic, role trust) says of `request`."""
    return _decide(_statements(policy), request, identity=False)


def identity_policy_decision(policies: Iterable[str | Mapping[str, Any]], request: Request) -> Decision:
    """What a principal's identity policies, together, say of `request` (never `delegated`)."""
    return _decide([s for policy in policies for s in _statements(policy)], request, identity=True)


def kms_decision(
    key_policy: str | Mapping[str, Any], identity_policies: Iterable[str | Mapping[str, Any]], request: Request
) -> Decision:
    """Whether KMS lets an IAM principal of the key's account use the key: the key policy must allow it, itself or
    by admitting the account so that the identity policies decide, and neither may deny it.
    https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-key-policy.html"""
    key = resource_policy_decision(key_policy, request)
    identity = identity_policy_decision(identity_policies, request)
    if "explicit deny" in (key, identity):
        return "explicit deny"
    if key == "allow" or (key == "delegated" and identity == "allow"):
        return "allow"
    return "implicit deny"


def _statements(policy: str | Mapping[str, Any]) -> list[Mapping[str, Any]]:
    document = document_of(policy)
    if "${" in json.dumps(document):
        raise UnsupportedPolicyError(f"policy variables are not evaluated: {document}")
    statements = document["Statement"]
    return [statements] if isinstance(statements, Mapping) else list(statements)


def _decide(statements: Sequence[Mapping[str, Any]], request: Request, *, identity: bool) -> Decision:
    matches = [(statement["Effect"], _match(statement, request, identity=identity)) for statement in statements]
    if any(effect == "Deny" and how is not None for effect, how in matches):
        return "explicit deny"
    allows = {how for effect, how in matches if effect == "Allow" and how is not None}
    if "direct" in allows:
        return "allow"
    return "delegated" if "delegated" in allows else "implicit deny"


PrincipalMatch = Literal["direct", "delegated"]


def _match(statement: Mapping[str, Any], request: Request, *, identity: bool) -> PrincipalMatch | None:
    """How the statement applies to the request (None: it does not)."""
    unknown = set(statement) - STATEMENT_ELEMENTS
    if unknown:
        raise UnsupportedPolicyError(f"statement elements {sorted(unknown)} in {statement}")
    if statement["Effect"] not in ("Allow", "Deny"):
        raise UnsupportedPolicyError(f"effect {statement['Effect']!r}")
    if "NotPrincipal" in statement:
        raise UnsupportedPolicyError(f"NotPrincipal in {statement}")
    if identity:
        if "Principal" in statement:
            raise UnsupportedPolicyError(f"an identity policy names no principal: {statement}")
        how: PrincipalMatch | None = "direct"
    else:
        if "Principal" not in statement:
            raise UnsupportedPolicyError(f"a resource policy statement names its principal: {statement}")
        how = _principal_match(statement["Principal"], request.principal)
    if how is None or not _action_matches(statement, request.action):
        return None
    if not _resource_matches(statement, request.resource, identity=identity):
        return None
    return how if _conditions_hold(statement.get("Condition", {}), _context(request)) else None


def _principal_match(element: Any, principal: Principal) -> PrincipalMatch | None:
    if element == "*":
        return "direct"
    if not isinstance(element, Mapping):
        raise UnsupportedPolicyError(f"principal {element!r}")
    unknown = set(element) - {"AWS", "Service"}
    if unknown:
        raise UnsupportedPolicyError(f"principal types {sorted(unknown)}")
    if principal.service is not None:
        services = _values(element.get("Service", []))
        return "direct" if principal.service in services or "*" in _values(element.get("AWS", [])) else None
    best: PrincipalMatch | None = None
    for named in _values(element.get("AWS", [])):
        root = ACCOUNT_ROOT.fullmatch(named)
        account = root["account"] if root else named if re.fullmatch(r"\d{12}", named) else None
        if named in {"*", principal.arn} or (account is not None and principal.arn == _root_of(account)):
            return "direct"
        if account is not None and account == principal.account:
            best = "delegated"
        elif account is None and not named.startswith("arn:aws:iam::"):
            raise UnsupportedPolicyError(f"AWS principal {named!r}")
    return best


def _root_of(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if ("Action" in statement) == ("NotAction" in statement):
        raise UnsupportedPolicyError(f"a statement has exactly one of Action and NotAction: {statement}")
    listed = _values(statement.get("Action", statement.get("NotAction")))
    hit = any(_glob(pattern, action, ignore_case=True) for pattern in listed)
    return hit if "Action" in statement else not hit


def _resource_matches(statement: Mapping[str, Any], resource: str, *, identity: bool) -> bool:
    if "Resource" in statement and "NotResource" in statement:
        raise UnsupportedPolicyError(f"both Resource and NotResource in {statement}")
    if "Resource" not in statement and "NotResource" not in statement:
        if identity:
            raise UnsupportedPolicyError(f"an identity policy statement names its resources: {statement}")
        return True  # a role trust policy: the statement is about the role it is attached to
    listed = _values(statement.get("Resource", statement.get("NotResource")))
    hit = any(_glob(pattern, resource, ignore_case=False) for pattern in listed)
    return hit if "Resource" in statement else not hit


def _context(request: Request) -> dict[str, str]:
    """The request's context keys, lowercased, with the ones IAM derives from the principal of every request."""
    principal = request.principal
    derived = (
        {"aws:PrincipalServiceName": principal.service}
        if principal.service is not None
        else {"aws:PrincipalArn": str(principal.arn), "aws:PrincipalAccount": str(principal.account)}
    )
    return {key.lower(): value for key, value in {**derived, **request.context}.items()}


def _conditions_hold(block: Mapping[str, Mapping[str, Any]], context: Mapping[str, str]) -> bool:
    return all(
        _condition_holds(operator, key, _values(expected), context.get(key.lower()))
        for operator, keys in block.items()
        for key, expected in keys.items()
    )


def _condition_holds(operator: str, key: str, expected: Sequence[str], actual: str | None) -> bool:
    if ":" in operator:
        raise UnsupportedPolicyError(f"set operator {operator} on {key}")
    if_exists = operator.endswith("IfExists") and operator != "IfExists"
    base = operator.removesuffix("IfExists") if if_exists else operator
    if base == "Null":
        present = actual is not None
        return all(present is (str(value).lower() == "false") for value in expected)
    if base not in _OPERATORS:
        raise UnsupportedPolicyError(f"condition operator {operator} on {key}")
    if actual is None:
        return if_exists or base in NEGATED_OPERATORS
    compare, negated = _OPERATORS[base]
    hit = any(compare(str(value), actual) for value in expected)
    return not hit if negated else hit


def _arn_like(pattern: str, arn: str) -> bool:
    """ARNs compare part by part (arn, partition, service, region, account, resource), wildcards within a part."""
    pattern_parts, arn_parts = pattern.split(":", 5), arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        return False
    return all(_glob(p, a, ignore_case=False) for p, a in zip(pattern_parts, arn_parts, strict=True))


_OPERATORS: dict[str, tuple[Any, bool]] = {
    "StringEquals": (lambda expected, actual: expected == actual, False),
    "StringNotEquals": (lambda expected, actual: expected == actual, True),
    "StringEqualsIgnoreCase": (lambda expected, actual: expected.lower() == actual.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda expected, actual: expected.lower() == actual.lower(), True),
    "StringLike": (lambda expected, actual: _glob(expected, actual, ignore_case=False), False),
    "StringNotLike": (lambda expected, actual: _glob(expected, actual, ignore_case=False), True),
    "ArnEquals": (_arn_like, False),
    "ArnLike": (_arn_like, False),
    "ArnNotEquals": (_arn_like, True),
    "ArnNotLike": (_arn_like, True),
    "Bool": (lambda expected, actual: expected.lower() == actual.lower(), False),
}


def _glob(pattern: str, value: str, *, ignore_case: bool) -> bool:
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def _values(element: Any) -> list[str]:
    values = element if isinstance(element, list) else [element]
    return [str(value).lower() if isinstance(value, bool) else str(value) for value in values]

"""`sentinel:storage`: every bad input to the buckets' settings is named by its full key with what is allowed."""

from __future__ import annotations

from tests.config_cases import BadConfig, named_by_full_key

BAD_STORAGE: list[BadConfig] = [
    # (case, overrides, key named in the message, something the message says is allowed)
    (
        "cors origin over http",
        {"sentinel:storage.uploads.corsOrigins": ["http://app.projectsentinel.ai"]},
        "sentinel:storage.uploads.corsOrigins[0]",
        "https:// origin",
    ),
    (
        "cors origin with a path",
        {"sentinel:storage.uploads.corsOrigins": ["https://app.projectsentinel.ai/"]},
        "sentinel:storage.uploads.corsOrigins[0]",
        "no path or trailing slash",
    ),
    (
        "infrequent access too soon",
        {"sentinel:storage.uploads.infrequentAccessAfterDays": 10},
        "sentinel:storage.uploads.infrequentAccessAfterDays",
        "at least 30",
    ),
    (
        "deep archive before glacier",
        {"sentinel:storage.backups.deepArchiveAfterDays": 20},
        "sentinel:storage.backups.deepArchiveAfterDays",
        "later than glacierAfterDays (30)",
    ),
    (
        "expiry before deep archive",
        {"sentinel:storage.backups.expireAfterDays": 100},
        "sentinel:storage.backups.expireAfterDays",
        "later than deepArchiveAfterDays (120)",
    ),
    (
        "lock outlives the object",
        {"sentinel:storage.backups.objectLockDays": 3000},
        "sentinel:storage.backups.objectLockDays",
        "must not exceed expireAfterDays (2555)",
    ),
    (
        "writer is not a role arn",
        {"sentinel:storage.backups.writerRoleArns": ["arn:aws:iam::111111111111:user/ops"]},
        "sentinel:storage.backups.writerRoleArns[0]",
        "IAM role ARN",
    ),
    (
        "noncurrent expiry zero",
        {"sentinel:storage.uploads.noncurrentVersionExpiryDays": 0},
        "sentinel:storage.uploads.noncurrentVersionExpiryDays",
        "greater than or equal to 1",
    ),
]

test_bad_storage_config_is_named_by_its_full_key = named_by_full_key(BAD_STORAGE)

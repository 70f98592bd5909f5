"""Values and minimums AWS APIs enforce that both the stack config (to refuse them early, naming the key) and
the policy pack (to refuse them in any graph) check against, each citing the page that states it."""

from __future__ import annotations

# Values CloudWatch Logs accepts for retentionInDays
# (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

# S3 refuses a transition to STANDARD_IA or ONEZONE_IA earlier than 30 days after creation
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html).
INFREQUENT_ACCESS_MINIMUM_DAYS = 30
# Minimum storage durations: an object deleted or moved on earlier is charged for the rest of them (same page).
GLACIER_MINIMUM_DAYS = 90
DEEP_ARCHIVE_MINIMUM_DAYS = 180

# AWS Backup keeps a point in cold storage for 90 days at least
# (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html).
COLD_STORAGE_MINIMUM_DAYS = 90

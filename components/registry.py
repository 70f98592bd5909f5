"""The apps' image registry: an ECR repository per app, scanned on push, with immutable tags, KMS encryption
and a lifecycle policy that keeps the most recent images."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform
from components.config.registry import RegistryConfig
from components.kms import EncryptionKey, EncryptionKeyArgs


def lifecycle_policy(images_kept: int) -> str:
    """Expire every image beyond the most recent `images_kept`, tagged or not."""
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": f"Keep the {images_kept} most recent images",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": images_kept},
                    "action": {"type": "expire"},
                }
            ]
        }
    )


@dataclass(frozen=True, kw_only=True)
class RegistryArgs:
    config: RegistryConfig
    apps: Sequence[str]


class Registry(Component):
    repository_urls: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, platform: Platform, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        # ECR uses the key through a grant it creates as the caller; the account's IAM policies decide who may.
        key = EncryptionKey(
            f"{name}-images",
            platform,
            EncryptionKeyArgs(description=f"Container images of {platform.name_prefix}", purpose="ecr"),
            opts=self.child(),
        )
        self.repository_urls = {}
        for app in args.apps:
            repository = aws.ecr.Repository(
                f"{name}-{app}",
                # Fixed name: the build pipeline pushes to it and the Deployments pull from it by name.
                name=f"{platform.name_prefix}/{app}",
                # A tag names one image for good: a deploy of web:1.4.2 runs what was tested as web:1.4.2.
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
                encryption_configurations=[
                    aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=key.arn)
                ],
                force_delete=False,
                tags={"Name": platform.name(app)},
                opts=self.stateful(),
            )
            aws.ecr.LifecyclePolicy(
                f"{name}-{app}",
                repository=repository.name,
                policy=lifecycle_policy(args.config.images_kept),
                opts=self.child(),
            )
            self.repository_urls[app] = repository.repository_url
        self.register_outputs({"repositoryUrls": self.repository_urls})

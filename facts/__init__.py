"""Facts about AWS, Kubernetes, Cloudflare and the Sentinel guide that the program (`components/`) and the
policy pack (`policies/`) both rely on: instance classes and their figures, Kubernetes quantities, Cloudflare
plan limits, AWS API minimums, the CloudWatch metrics the alarms read, the EKS add-ons, the guide's alarms.

Standard library only, and nothing here imports `components/`: the pack is published as `policies/` plus this
package, and must import in a virtualenv that holds only its own requirements.
"""

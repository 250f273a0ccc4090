"""Prints template.yaml after the SAM transform, as CloudFormation JSON (for the IAM policy test).

usage: python3 sam_to_json.py TEMPLATE [Name=Value ...]   (parameter values; defaults otherwise)
"""
import json
import os
import sys

from cfnlint.decode import decode
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    """The template names no AWS managed policies, so none need looking up (and nothing calls AWS)."""

    def load(self):
        return {}


def main():
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # SAM asks for a region to build ARNs; nothing is called
    template, matches = decode(sys.argv[1])
    if matches:
        sys.exit(f"cannot parse {sys.argv[1]}: {matches}")
    # As 'sam package' would: the code is uploaded, so CodeUri becomes an S3 location.
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://packaged-code/forwarder.zip"
    parameters = dict(arg.split("=", 1) for arg in sys.argv[2:])
    parameters.setdefault("AWS::Region", "us-east-1")
    parameters.setdefault("AWS::AccountId", "123456789012")
    parameters.setdefault("AWS::Partition", "aws")
    parameters.setdefault("AWS::StackName", "flowlog-forwarder")
    print(json.dumps(transform(template, parameters, NoManagedPolicies()), default=str))


if __name__ == "__main__":
    main()

"""Prints template.yaml after the SAM transform, as CloudFormation JSON (for the IAM policy and template tests).

usage: python3 sam_to_json.py TEMPLATE [Name=Value ...]
           the transformed template, conditions left in (parameter values: the defaults otherwise)
       python3 sam_to_json.py TEMPLATE --concrete MATRIX.json OUTDIR
           MATRIX.json is {"case name": {"Name": "Value", ...}, ...}. For each case, as CloudFormation would on a
           create with those parameters: the template's Rules are evaluated (a failed assertion is reported, as
           CloudFormation refuses the stack), then its Conditions; resources and outputs whose condition is false
           are dropped, every Fn::If is replaced by its chosen branch (AWS::NoValue removes the property), and
           the parameters' defaults become the case's values. Writes OUTDIR/<case>.json (for cfn-lint) and prints
           {"case": {"file": PATH} | {"rule": "Rule: description"}}.
"""
import copy
import json
import os
import sys

from cfnlint.decode import decode
from samtranslator.translator.transform import transform

PSEUDO = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::StackName": "flowlog-forwarder",
    "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/flowlog-forwarder/1c2fa620-982a-11e3-aff7-50e2416294e0",
}
NO_VALUE = object()


class NoManagedPolicies:
    """The template names no AWS managed policies, so none need looking up (and nothing calls AWS)."""

    def load(self):
        return {}


def load(path):
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")  # SAM asks for a region to build ARNs; nothing is called
    template, matches = decode(path)
    if matches:
        sys.exit(f"cannot parse {path}: {matches}")
    # As 'sam package' would: the code is uploaded, so CodeUri becomes an S3 location.
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://packaged-code/forwarder.zip"
    return template


def transformed(template, parameters):
    values = dict(PSEUDO)
    values.update(parameters)
    return json.loads(json.dumps(transform(copy.deepcopy(template), values, NoManagedPolicies()), default=str))


def parameter_values(template, parameters):
    values = {}
    for name, declaration in template.get("Parameters", {}).items():
        value = str(parameters.get(name, declaration.get("Default", "")))
        values[name] = value.split(",") if declaration.get("Type") == "CommaDelimitedList" else value
    for name in parameters:
        if name not in values:
            sys.exit(f"unknown parameter {name}")
    values.update(PSEUDO)
    return values


def evaluate(node, values, conditions):
    """The intrinsic functions CloudFormation allows in Rules and Conditions."""
    if isinstance(node, (str, bool, int)):
        return node
    if isinstance(node, list):
        return [evaluate(item, values, conditions) for item in node]
    (function, argument), = node.items()
    if function == "Ref":
        return values[argument]
    if function == "Condition":
        return conditions[argument]
    if function == "Fn::Equals":
        left, right = (evaluate(a, values, conditions) for a in argument)
        return str(left) == str(right)
    if function == "Fn::Not":
        return not evaluate(argument[0], values, conditions)
    if function == "Fn::And":
        return all(evaluate(a, values, conditions) for a in argument)
    if function == "Fn::Or":
        return any(evaluate(a, values, conditions) for a in argument)
    if function == "Fn::Join":
        return argument[0].join(evaluate(argument[1], values, conditions))
    if function == "Fn::EachMemberEquals":
        members, value = (evaluate(a, values, conditions) for a in argument)
        return all(member == value for member in members)
    if function == "Fn::Contains":
        members, value = (evaluate(a, values, conditions) for a in argument)
        return value in members
    sys.exit(f"{function} is not evaluated by this script")


def choose(node, conditions):
    """Replaces every Fn::If by its chosen branch; NO_VALUE where AWS::NoValue removes a property or item."""
    if isinstance(node, list):
        items = [choose(item, conditions) for item in node]
        return [item for item in items if item is not NO_VALUE]
    if isinstance(node, dict):
        if set(node) == {"Fn::If"}:
            condition, when_true, when_false = node["Fn::If"]
            return choose(when_true if conditions[condition] else when_false, conditions)
        if node == {"Ref": "AWS::NoValue"}:
            return NO_VALUE
        chosen = {key: choose(value, conditions) for key, value in node.items()}
        return {key: value for key, value in chosen.items() if value is not NO_VALUE}
    return node


def concrete(template, parameters):
    """(None, template) for the stack CloudFormation would create, or (failed rule, None)."""
    values = parameter_values(template, parameters)
    for name, rule in template.get("Rules", {}).items():
        if "RuleCondition" in rule and not evaluate(rule["RuleCondition"], values, {}):
            continue
        for assertion in rule["Assertions"]:
            if not evaluate(assertion["Assert"], values, {}):
                return f"{name}: {assertion.get('AssertDescription', '')}", None
    conditions = {}
    for name, expression in template.get("Conditions", {}).items():
        conditions[name] = evaluate(expression, values, _Lazy(template["Conditions"], values, conditions))
    result = transformed(template, parameters)
    result.pop("Rules", None)
    result.pop("Conditions", None)
    for section in ("Resources", "Outputs"):
        kept = {}
        for name, body in result.get(section, {}).items():
            if conditions.get(body.pop("Condition", None), True):
                kept[name] = body
        result[section] = choose(kept, conditions)
    for name, value in parameters.items():
        result["Parameters"][name]["Default"] = value
    # What the chosen branches no longer use (declared parameters, mappings) goes too, as a template written for
    # this one case would not declare it.
    used = json.dumps({key: result[key] for key in ("Resources", "Outputs")})
    result["Parameters"] = {name: body for name, body in result["Parameters"].items()
                            if f'"Ref": "{name}"' in used or "${" + name + "}" in used}
    result["Mappings"] = {name: body for name, body in result.get("Mappings", {}).items()
                          if f'"Fn::FindInMap": ["{name}"' in used}
    if not result["Mappings"]:
        del result["Mappings"]
    return None, result


class _Lazy(dict):
    """Conditions that refer to other conditions, evaluated on first use."""

    def __init__(self, expressions, values, done):
        super().__init__()
        self._expressions, self._values, self._done = expressions, values, done

    def __missing__(self, name):
        if name not in self._done:
            self._done[name] = evaluate(self._expressions[name], self._values, self)
        return self._done[name]


def main():
    template = load(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2] == "--concrete":
        with open(sys.argv[3], encoding="utf-8") as stream:
            matrix = json.load(stream)
        report = {}
        for case, parameters in matrix.items():
            rule, result = concrete(template, parameters)
            if rule:
                report[case] = {"rule": rule}
                continue
            path = os.path.join(sys.argv[4], f"{case}.json")
            with open(path, "w", encoding="utf-8") as stream:
                json.dump(result, stream, indent=1)
            report[case] = {"file": path}
        print(json.dumps(report))
        return
    parameters = dict(arg.split("=", 1) for arg in sys.argv[2:])
    print(json.dumps(transformed(template, parameters)))


if __name__ == "__main__":
    main()

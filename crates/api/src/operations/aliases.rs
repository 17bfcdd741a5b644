//! CreateStateMachineAlias, DescribeStateMachineAlias, UpdateStateMachineAlias,
//! DeleteStateMachineAlias, ListStateMachineAliases.

use engine::service::{ErrorCode, Service};
use engine::{AliasRoute, StateMachineAliasRecord};
use serde_json::{json, Map, Value};

use super::pagination::{read_arn_and_page, with_token};
use super::shapes::{read_arn, required_string, ARN_MAX, DESCRIPTION_MAX};
use super::{seconds, Result};
use crate::input::{Input, Violations};
use crate::{ApiError, RequestContext};

/// The model's `CharacterRestrictedName` pattern, as AWS quotes it.
const ALIAS_NAME_PATTERN: &str = r"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$";

fn is_alias_name(name: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    // At least one character that is not a digit keeps alias names apart from version numbers.
    !name.is_empty()
        && name.chars().all(allowed)
        && name
            .chars()
            .any(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '-' | '.'))
}

/// The `routingConfiguration` member: one or two routes, each a version ARN and a weight 0–100.
fn read_routing(input: &Input, violations: &mut Violations) -> Result<Option<Vec<AliasRoute>>> {
    let Some(items) = input.opt_array("routingConfiguration")? else {
        return Ok(None);
    };
    let mut routes = Vec::with_capacity(items.len());
    // The list as AWS's (Java) validator prints it in a length violation.
    let mut shown = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        if !item.is_object() {
            return Err(ApiError::new(
                ErrorCode::SerializationException,
                "Expected a structure in list member 'routingConfiguration'",
            ));
        }
        let route = Input::new(item);
        let version_arn = route.opt_str("stateMachineVersionArn")?;
        let weight = route.opt_int("weight")?;
        let path = format!("routingConfiguration.{}.member", index + 1);
        violations.required(
            &format!("{path}.stateMachineVersionArn"),
            version_arn.is_some(),
        );
        violations.length(
            &format!("{path}.stateMachineVersionArn"),
            version_arn,
            1,
            ARN_MAX,
        );
        violations.required(&format!("{path}.weight"), weight.is_some());
        violations.range(&format!("{path}.weight"), weight, 0, 100);
        shown.push(format!(
            "RoutingConfigurationListItem(stateMachineVersionArn={}, weight={})",
            version_arn.unwrap_or("null"),
            weight.map_or_else(|| "null".to_string(), |w| w.to_string())
        ));
        routes.push(AliasRoute {
            version_arn: version_arn.unwrap_or_default().to_string(),
            weight: weight.and_then(|w| u32::try_from(w).ok()).unwrap_or(0),
        });
    }
    violations.list_length(
        "routingConfiguration",
        &format!("[{}]", shown.join(", ")),
        items.len(),
        1,
        2,
    );
    Ok(Some(routes))
}

fn routing_json(routing: &[AliasRoute]) -> Value {
    Value::Array(
        routing
            .iter()
            .map(|route| {
                json!({"stateMachineVersionArn": route.version_arn, "weight": route.weight})
            })
            .collect(),
    )
}

pub fn create_state_machine_alias(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let mut v = Violations::default();
    let description = input.opt_str("description")?;
    v.sensitive_length("description", description, 0, DESCRIPTION_MAX);
    let name = required_string(input, "name", 80, &mut v)?;
    v.pattern(
        "name",
        input.opt_str("name")?,
        ALIAS_NAME_PATTERN,
        is_alias_name(name),
    );
    let routing = read_routing(input, &mut v)?;
    v.required("routingConfiguration", routing.is_some());
    v.check()?;
    let alias = service.create_state_machine_alias(
        &ctx.region,
        name,
        description.map(str::to_string),
        routing.unwrap_or_default(),
    )?;
    Ok(json!({
        "stateMachineAliasArn": alias.arn,
        "creationDate": seconds(alias.creation_ms),
    }))
}

fn alias_json(alias: &StateMachineAliasRecord) -> Value {
    let mut out = Map::new();
    out.insert("stateMachineAliasArn".into(), json!(alias.arn));
    out.insert("name".into(), json!(alias.name));
    if let Some(description) = &alias.description {
        out.insert("description".into(), json!(description));
    }
    out.insert("routingConfiguration".into(), routing_json(&alias.routing));
    out.insert("creationDate".into(), seconds(alias.creation_ms));
    out.insert("updateDate".into(), seconds(alias.update_ms));
    Value::Object(out)
}

pub fn describe_state_machine_alias(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let arn = read_arn(input, "stateMachineAliasArn", ARN_MAX)?;
    let alias = service.describe_state_machine_alias(&ctx.region, arn)?;
    Ok(alias_json(&alias))
}

pub fn update_state_machine_alias(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let mut v = Violations::default();
    let arn = required_string(input, "stateMachineAliasArn", ARN_MAX, &mut v)?;
    let description = input.opt_str("description")?;
    v.sensitive_length("description", description, 0, DESCRIPTION_MAX);
    let routing = read_routing(input, &mut v)?;
    v.check()?;
    if description.is_none() && routing.is_none() {
        // Our wording: AWS requires one of the two but no recorded case shows its message.
        return Err(ApiError::validation(
            "Either the description or the routingConfiguration must be specified",
        ));
    }
    let alias = service.update_state_machine_alias(
        &ctx.region,
        arn,
        description.map(str::to_string),
        routing,
    )?;
    Ok(json!({ "updateDate": seconds(alias.update_ms) }))
}

pub fn delete_state_machine_alias(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let arn = read_arn(input, "stateMachineAliasArn", ARN_MAX)?;
    service.delete_state_machine_alias(&ctx.region, arn)?;
    Ok(json!({}))
}

pub fn list_state_machine_aliases(
    service: &Service,
    ctx: &RequestContext,
    input: &Input,
) -> Result<Value> {
    let (arn, page) = read_arn_and_page(input, "stateMachineArn", ARN_MAX)?;
    let (aliases, next) = page.apply(service.list_state_machine_aliases(&ctx.region, arn)?)?;
    let items: Vec<Value> = aliases
        .iter()
        .map(|alias| {
            json!({
                "stateMachineAliasArn": alias.arn,
                "creationDate": seconds(alias.creation_ms),
            })
        })
        .collect();
    Ok(with_token(json!({ "stateMachineAliases": items }), next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_names_need_a_character_that_is_not_a_digit() {
        for good in ["PROD", "AliasName-1a2b", "v1", "_", "a.b-c_d"] {
            assert!(is_alias_name(good), "{good}");
        }
        // Refused by AWS (recorded): 123, INVALID ALIAS, !INVALID, ALIAS@.
        for bad in ["123", "INVALID ALIAS", "!INVALID", "ALIAS@", ""] {
            assert!(!is_alias_name(bad), "{bad}");
        }
    }

    #[test]
    fn too_many_routes_are_printed_as_aws_prints_them() {
        let request = json!({"routingConfiguration": [
            {"stateMachineVersionArn": "arn:v:1", "weight": 50},
            {"stateMachineVersionArn": "arn:v:2", "weight": 30},
            {"stateMachineVersionArn": "arn:v:3", "weight": 20}
        ]});
        let mut v = Violations::default();
        read_routing(&Input::new(&request), &mut v).unwrap();
        assert_eq!(
            v.check().unwrap_err().message,
            "1 validation error detected: Value '[RoutingConfigurationListItem(stateMachineVersionArn=arn:v:1, weight=50), RoutingConfigurationListItem(stateMachineVersionArn=arn:v:2, weight=30), RoutingConfigurationListItem(stateMachineVersionArn=arn:v:3, weight=20)]' at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2"
        );
    }
}

//! The AWS service models (botocore's `service-2.json`, documentation left out, one gzip file per
//! service, written by `scripts/gen_service_models.py`), embedded in the binary and read on first
//! use of a service.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Map, Value};

#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/models"]
struct Embedded;

/// One service's model: its metadata, operations and shapes.
#[derive(Debug)]
pub struct ServiceModel {
    /// botocore's name of the service (`dynamodb`, `stepfunctions`, …).
    pub name: String,
    metadata: Map<String, Value>,
    operations: Map<String, Value>,
    shapes: Map<String, Value>,
}

/// A shape of a model: its name and definition.
#[derive(Debug, Clone, Copy)]
pub struct Shape<'m> {
    pub name: &'m str,
    pub def: &'m Value,
}

/// A member of a structure: its name, its own traits, and its target shape.
#[derive(Debug, Clone, Copy)]
pub struct Member<'m> {
    pub name: &'m str,
    pub traits: &'m Value,
    pub shape: Shape<'m>,
}

/// An operation of a model.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'m> {
    pub name: &'m str,
    pub def: &'m Value,
}

static EMPTY: Value = Value::Null;

impl<'m> Shape<'m> {
    pub fn kind(&self) -> &'m str {
        self.def.get("type").and_then(Value::as_str).unwrap_or("")
    }

    pub fn trait_str(&self, name: &str) -> Option<&'m str> {
        self.def.get(name).and_then(Value::as_str)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.def.get(name).and_then(Value::as_bool).unwrap_or(false)
    }
}

impl<'m> Member<'m> {
    /// The name on the wire (`locationName`), else the member's name.
    pub fn wire_name(&self) -> &'m str {
        self.trait_str("locationName").unwrap_or(self.name)
    }

    pub fn trait_str(&self, name: &str) -> Option<&'m str> {
        self.traits.get(name).and_then(Value::as_str)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.traits
            .get(name)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// Where a REST protocol puts it: `uri`, `querystring`, `header`, `headers`, `statusCode`;
    /// None for the body.
    pub fn location(&self) -> Option<&'m str> {
        self.trait_str("location")
    }
}

impl<'m> Operation<'m> {
    pub fn http_method(&self) -> &'m str {
        self.def
            .pointer("/http/method")
            .and_then(Value::as_str)
            .unwrap_or("POST")
    }

    pub fn request_uri(&self) -> &'m str {
        self.def
            .pointer("/http/requestUri")
            .and_then(Value::as_str)
            .unwrap_or("/")
    }

    fn shape_ref(&self, which: &str) -> Option<&'m str> {
        self.def.get(which)?.get("shape")?.as_str()
    }

    /// The query protocol's wrapper element of the result.
    pub fn result_wrapper(&self) -> Option<&'m str> {
        self.def
            .pointer("/output/resultWrapper")
            .and_then(Value::as_str)
    }
}

impl ServiceModel {
    fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.get(key).and_then(Value::as_str)
    }

    /// `json`, `rest-json`, `query`, `rest-xml` or `ec2`.
    pub fn protocol(&self) -> &str {
        self.meta("protocol").unwrap_or("")
    }

    pub fn target_prefix(&self) -> Option<&str> {
        self.meta("targetPrefix")
    }

    pub fn json_version(&self) -> &str {
        self.meta("jsonVersion").unwrap_or("1.0")
    }

    pub fn api_version(&self) -> &str {
        self.meta("apiVersion").unwrap_or("")
    }

    pub fn endpoint_prefix(&self) -> &str {
        self.meta("endpointPrefix").unwrap_or(&self.name)
    }

    /// The name SigV4 signs with.
    pub fn signing_name(&self) -> &str {
        self.meta("signingName")
            .unwrap_or_else(|| self.endpoint_prefix())
    }

    /// The SDK's service id (`DynamoDB`, `Secrets Manager`, `SFN`, …).
    pub fn service_id(&self) -> &str {
        self.meta("serviceId").unwrap_or(&self.name)
    }

    pub fn xml_namespace(&self) -> Option<&str> {
        self.metadata
            .get("xmlNamespace")
            .and_then(|v| v.get("uri").or(Some(v)))
            .and_then(Value::as_str)
    }

    /// The operation of this name; the first letter's case does not matter (`getObject` is
    /// `GetObject`).
    pub fn operation(&self, name: &str) -> Option<Operation<'_>> {
        if let Some((k, def)) = self.operations.get_key_value(name) {
            return Some(Operation { name: k, def });
        }
        self.operations
            .iter()
            .find(|(k, _)| same_name(k, name))
            .map(|(k, def)| Operation { name: k, def })
    }

    pub fn shape(&self, name: &str) -> Shape<'_> {
        match self.shapes.get_key_value(name) {
            Some((k, def)) => Shape { name: k, def },
            None => Shape {
                name: "",
                def: &EMPTY,
            },
        }
    }

    pub fn input(&self, op: Operation<'_>) -> Option<Shape<'_>> {
        op.shape_ref("input").map(|n| self.shape(n))
    }

    pub fn output(&self, op: Operation<'_>) -> Option<Shape<'_>> {
        op.shape_ref("output").map(|n| self.shape(n))
    }

    /// The members of a structure, in the model's order.
    pub fn members<'a>(&'a self, shape: Shape<'a>) -> impl Iterator<Item = Member<'a>> + 'a {
        shape
            .def
            .get("members")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.iter())
            .map(move |(name, traits)| Member {
                name,
                traits,
                shape: self.shape(traits.get("shape").and_then(Value::as_str).unwrap_or("")),
            })
    }

    /// A structure's member of this name (its first letter's case aside).
    pub fn member<'a>(&'a self, shape: Shape<'a>, name: &str) -> Option<Member<'a>> {
        let mut loose = None;
        for m in self.members(shape) {
            if m.name == name {
                return Some(m);
            }
            if loose.is_none() && same_name(m.name, name) {
                loose = Some(m);
            }
        }
        loose
    }

    /// The shape a list's members, or a map's keys or values, have (`member`, `key`, `value`),
    /// with that reference's own traits.
    pub fn inner<'a>(&'a self, shape: Shape<'a>, which: &'static str) -> Member<'a> {
        let traits = shape.def.get(which).unwrap_or(&EMPTY);
        Member {
            name: which,
            traits,
            shape: self.shape(traits.get("shape").and_then(Value::as_str).unwrap_or("")),
        }
    }

    /// The exception shape an error code stands for (by its `error.code`, else its name).
    pub fn exception_for(&self, code: &str) -> Option<&str> {
        let is_exception =
            |def: &Value| def.get("exception").and_then(Value::as_bool) == Some(true);
        self.shapes
            .iter()
            .find(|(_, def)| {
                is_exception(def)
                    && def.pointer("/error/code").and_then(Value::as_str) == Some(code)
            })
            .or_else(|| {
                self.shapes
                    .get_key_value(code)
                    .filter(|(_, def)| is_exception(def))
            })
            .map(|(name, _)| name.as_str())
    }

    /// The error code a modelled exception shape answers with (its `error.code`, else its name).
    pub fn error_code<'a>(&'a self, shape: &'a str) -> &'a str {
        self.shape(shape)
            .def
            .pointer("/error/code")
            .and_then(Value::as_str)
            .unwrap_or(shape)
    }
}

/// Whether two member or operation names are the same but for the case of their first letter.
pub fn same_name(a: &str, b: &str) -> bool {
    let (mut x, mut y) = (a.chars(), b.chars());
    match (x.next(), y.next()) {
        (Some(p), Some(q)) => p.eq_ignore_ascii_case(&q) && x.as_str() == y.as_str(),
        (None, None) => true,
        _ => false,
    }
}

fn cache() -> &'static Mutex<HashMap<String, Option<Arc<ServiceModel>>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Arc<ServiceModel>>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The model of a service by botocore's name; None when there is no such service.
pub fn service(name: &str) -> Option<Arc<ServiceModel>> {
    let mut cache = cache().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = cache.get(name) {
        return found.clone();
    }
    let model = load(name).map(Arc::new);
    cache.insert(name.to_string(), model.clone());
    model
}

/// Every embedded service: botocore's name and the service's id.
pub fn service_ids() -> &'static [(String, String)] {
    static IDS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    IDS.get_or_init(|| {
        Embedded::get("index.json")
            .and_then(|f| serde_json::from_slice::<Map<String, Value>>(&f.data).ok())
            .map(|m| {
                m.into_iter()
                    .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// Whether a model of this name is embedded.
pub fn exists(name: &str) -> bool {
    Embedded::get(&format!("{name}.json.gz")).is_some()
}

fn load(name: &str) -> Option<ServiceModel> {
    if name.contains('/') {
        return None;
    }
    let file = Embedded::get(&format!("{name}.json.gz"))?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(file.data.as_ref())
        .read_to_string(&mut text)
        .ok()?;
    let Value::Object(mut model) = serde_json::from_str(&text).ok()? else {
        return None;
    };
    let mut take = |key: &str| match model.remove(key) {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    Some(ServiceModel {
        name: name.to_string(),
        metadata: take("metadata"),
        operations: take("operations"),
        shapes: take("shapes"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_load_with_their_protocols() {
        let lambda = service("lambda").expect("lambda");
        assert_eq!(lambda.protocol(), "rest-json");
        let invoke = lambda.operation("invoke").expect("Invoke");
        assert_eq!(invoke.name, "Invoke");
        assert_eq!(
            invoke.request_uri(),
            "/2015-03-31/functions/{FunctionName}/invocations"
        );
        let input = lambda.input(invoke).unwrap();
        let payload = lambda.member(input, "Payload").unwrap();
        assert_eq!(payload.shape.kind(), "blob");
        assert_eq!(
            lambda.member(input, "invocationType").unwrap().wire_name(),
            "X-Amz-Invocation-Type"
        );
        let sfn = service("stepfunctions").unwrap();
        assert_eq!(sfn.target_prefix(), Some("AWSStepFunctions"));
        assert_eq!(sfn.service_id(), "SFN");
        assert!(service("no-such-service").is_none());
        assert!(service("../x").is_none());
    }

    #[test]
    fn names_match_but_for_their_first_letter() {
        assert!(same_name("executionArn", "ExecutionArn"));
        assert!(!same_name("executionArn", "ExecutionARN"));
        assert!(same_name("", ""));
    }
}

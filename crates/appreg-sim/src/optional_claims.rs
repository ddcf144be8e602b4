//! `application.optionalClaims`: Graph's OData reader refuses a value of the wrong shape, the
//! directory refuses a claim without a name, and what is stored has every token list and every
//! claim field filled in. Shape from the Graph v1.0 `optionalClaims` and `optionalClaim`
//! resource types: `idToken`, `accessToken` and `saml2Token` lists of
//! `{name, source, essential, additionalProperties}`; `essential` defaults to false.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::errors::GraphError;

const TOKENS: [&str; 3] = ["idToken", "accessToken", "saml2Token"];
const CLAIM_FIELDS: [&str; 4] = ["name", "source", "essential", "additionalProperties"];

/// Check `doc.optionalClaims` and store it in Graph's full form; null stays null.
pub(crate) fn normalize(doc: &mut Map<String, Value>) -> Result<(), GraphError> {
    let normalized = match doc.get("optionalClaims") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Object(given)) => claims(given)?,
        Some(other) => return Err(GraphError::unexpected_node(other, "StartObject")),
    };
    doc.insert("optionalClaims".into(), normalized);
    Ok(())
}

fn claims(given: &Map<String, Value>) -> Result<Value, GraphError> {
    declared_only(given, &TOKENS)?;
    let mut normalized = Map::new();
    for token in TOKENS {
        let list = match given.get(token) {
            // A null list is read as an empty one: the collections are not nullable.
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.iter().map(claim).collect::<Result<_, _>>()?,
            Some(other) => return Err(GraphError::unexpected_node(other, "StartArray")),
        };
        normalized.insert(token.into(), Value::Array(list));
    }
    Ok(Value::Object(normalized))
}

fn claim(given: &Value) -> Result<Value, GraphError> {
    let Value::Object(given) = given else {
        return Err(GraphError::unexpected_node(given, "StartObject"));
    };
    declared_only(given, &CLAIM_FIELDS)?;
    let name = string(given, "name")?
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| GraphError::invalid_value("optionalClaims", "Application", "NullOrEmpty"))?;
    let essential = match given.get("essential") {
        None => false,
        Some(Value::Bool(essential)) => *essential,
        Some(Value::Null) => return Err(null_value("essential", "Edm.Boolean")),
        Some(other) => return Err(primitive(other, "Edm.Boolean")),
    };
    let additional: Vec<&str> = match given.get("additionalProperties") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().ok_or_else(|| primitive(item, "Edm.String")))
            .collect::<Result<_, _>>()?,
        Some(Value::Null) => {
            return Err(null_value("additionalProperties", "Collection(Edm.String)"));
        }
        Some(other) => return Err(GraphError::unexpected_node(other, "StartArray")),
    };
    Ok(json!({
        "additionalProperties": additional,
        "essential": essential,
        "name": name,
        "source": string(given, "source")?,
    }))
}

/// Properties outside `declared` are refused; OData annotations are skipped.
fn declared_only(given: &Map<String, Value>, declared: &[&str]) -> Result<(), GraphError> {
    match given
        .keys()
        .find(|key| !key.starts_with("@odata.") && !declared.contains(&key.as_str()))
    {
        Some(key) => Err(GraphError::undeclared(key)),
        None => Ok(()),
    }
}

/// An optional string property.
fn string<'a>(given: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, GraphError> {
    match given.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(primitive(other, "Edm.String")),
    }
}

/// A primitive of the wrong type, or a structure where a primitive belongs.
fn primitive(value: &Value, edm: &str) -> GraphError {
    match value {
        Value::Array(_) | Value::Object(_) => GraphError::unexpected_node(value, "PrimitiveValue"),
        Value::String(text) => GraphError::cannot_convert(text, edm),
        _ => GraphError::cannot_convert(&value.to_string(), edm),
    }
}

/// The OData reader's answer to null in a property that is not nullable.
fn null_value(property: &str, edm: &str) -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        format!(
            "A null value was found for the property named '{property}', which has the expected type '{edm}[Nullable=False]'. The expected type '{edm}[Nullable=False]' does not allow null values."
        ),
    )
}

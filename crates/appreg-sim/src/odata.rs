//! The slice of OData that appreg's calls use: resource paths with alternate
//! keys (`applications(uniqueName='x')`), `$filter` (eq, ne, in, startswith,
//! `tags/any(t:t eq 'x')`, and/or/not), `$select`, `$top` and paging.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};
use url::form_urlencoded;

use super::errors::GraphError;
use super::faults::decode;
use super::server::Ctx;

/// Graph's default page size for directory collections.
const DEFAULT_PAGE_SIZE: usize = 100;

/// How a path addresses one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    Id(String),
    Alternate { property: String, value: String },
}

impl Key {
    /// The value as it appears in error messages.
    pub fn value(&self) -> &str {
        match self {
            Key::Id(id) => id,
            Key::Alternate { value, .. } => value,
        }
    }
}

/// A parsed resource path below `/v1.0/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    pub collection: String,
    pub key: Option<Key>,
    /// Segments after the entity, e.g. `["addPassword"]`.
    pub rest: Vec<String>,
}

pub(crate) fn parse_target(path: &str) -> Target {
    let mut segments = path.split('/').filter(|s| !s.is_empty()).map(decode);
    let first = segments.next().unwrap_or_default();
    let (collection, mut key) = match (first.find('('), first.rfind(')')) {
        (Some(open), Some(close)) if close > open => (
            first[..open].to_owned(),
            Some(parse_key(&first[open + 1..close])),
        ),
        _ => (first, None),
    };
    let mut rest: Vec<String> = segments.collect();
    if key.is_none() && !rest.is_empty() {
        key = Some(Key::Id(rest.remove(0)));
    }
    Target {
        collection,
        key,
        rest,
    }
}

fn parse_key(inside: &str) -> Key {
    match inside.split_once('=') {
        Some((property, value)) => Key::Alternate {
            property: property.trim().to_owned(),
            value: unquote(value.trim()),
        },
        None => Key::Id(unquote(inside.trim())),
    }
}

fn unquote(text: &str) -> String {
    text.strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or(text)
        .replace("''", "'")
}

/// The query options appreg's calls use.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    pub filter: Option<Filter>,
    pub select: Option<Vec<String>>,
    pub top: Option<usize>,
    pub skip: usize,
    /// Everything else, kept for `@odata.nextLink`.
    passthrough: Vec<(String, String)>,
}

pub(crate) fn parse_query(raw: Option<&str>) -> Result<Query, GraphError> {
    let mut query = Query::default();
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let option = name.strip_prefix('$').unwrap_or(&name).to_ascii_lowercase();
        match option.as_str() {
            "filter" => query.filter = Some(parse_filter(&value)?),
            "select" => {
                query.select = Some(
                    value
                        .split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect(),
                );
            }
            "top" => {
                let top = value.parse::<usize>().ok().filter(|n| (1..=999).contains(n)).ok_or_else(|| {
                    GraphError::new(
                        StatusCode::BAD_REQUEST,
                        "Request_BadRequest",
                        format!("Invalid page size specified: '{value}'. Must be between 1 and 999 inclusive."),
                    )
                })?;
                query.top = Some(top);
            }
            "skiptoken" => query.skip = value.parse().unwrap_or(0),
            _ => {}
        }
        if option != "skiptoken" {
            query
                .passthrough
                .push((name.into_owned(), value.into_owned()));
        }
    }
    Ok(query)
}

impl Query {
    /// Refuse `$select` of a property the entity type does not have.
    pub fn check_select(
        &self,
        template: &Map<String, Value>,
        type_name: &str,
    ) -> Result<(), GraphError> {
        for property in self.select.iter().flatten() {
            if !template.contains_key(property) {
                return Err(GraphError::new(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    format!(
                        "Parsing OData Select and Expand failed: Could not find a property named '{property}' on type 'microsoft.graph.{type_name}'."
                    ),
                ));
            }
        }
        Ok(())
    }

    pub fn matches(&self, doc: &Map<String, Value>) -> bool {
        self.filter.as_ref().is_none_or(|f| f.matches(doc))
    }

    fn project(&self, doc: &Map<String, Value>) -> Map<String, Value> {
        match &self.select {
            None => doc.clone(),
            Some(select) => select
                .iter()
                .filter_map(|p| doc.get(p).map(|v| (p.clone(), v.clone())))
                .collect(),
        }
    }

    fn context(&self, ctx: &Ctx, entity_set: &str) -> String {
        match &self.select {
            None => format!("{}/$metadata#{entity_set}", ctx.graph_base()),
            Some(select) => format!(
                "{}/$metadata#{entity_set}({})",
                ctx.graph_base(),
                select.join(",")
            ),
        }
    }

    /// A single entity with its `@odata.context`.
    pub fn entity(&self, doc: &Map<String, Value>, ctx: &Ctx, entity_set: &str) -> Value {
        let mut body = self.project(doc);
        body.insert(
            "@odata.context".into(),
            json!(format!("{}/$entity", self.context(ctx, entity_set))),
        );
        Value::Object(body)
    }

    /// One page of a collection (`items` already filtered), with
    /// `@odata.nextLink` when more remain.
    pub fn page(
        &self,
        items: &[&Map<String, Value>],
        ctx: &Ctx,
        entity_set: &str,
        path: &str,
    ) -> Value {
        let size = self.top.unwrap_or(DEFAULT_PAGE_SIZE);
        let value: Vec<Value> = items
            .iter()
            .skip(self.skip)
            .take(size)
            .map(|d| Value::Object(self.project(d)))
            .collect();
        let mut body = json!({ "@odata.context": self.context(ctx, entity_set), "value": value });
        let next = self.skip + size;
        if next < items.len() {
            let mut link = form_urlencoded::Serializer::new(String::new());
            for (name, value) in &self.passthrough {
                link.append_pair(name, value);
            }
            link.append_pair("$skiptoken", &next.to_string());
            body["@odata.nextLink"] = json!(format!("{}{path}?{}", ctx.origin, link.finish()));
        }
        body
    }
}

/// A `$filter` expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Filter {
    Eq(String, Literal),
    Ne(String, Literal),
    In(String, Vec<Literal>),
    StartsWith(String, String),
    /// `collection/any(x:x eq literal)`.
    Any(String, Literal),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Str(String),
    Bool(bool),
    Null,
}

impl Literal {
    /// Directory string comparisons ignore case.
    fn equals(&self, value: Option<&Value>) -> bool {
        match (self, value) {
            (Literal::Str(s), Some(Value::String(v))) => v.eq_ignore_ascii_case(s),
            (Literal::Bool(b), Some(Value::Bool(v))) => v == b,
            (Literal::Null, None | Some(Value::Null)) => true,
            _ => false,
        }
    }
}

impl Filter {
    pub fn matches(&self, doc: &Map<String, Value>) -> bool {
        match self {
            Filter::Eq(p, lit) => lit.equals(lookup(doc, p)),
            Filter::Ne(p, lit) => !lit.equals(lookup(doc, p)),
            Filter::In(p, lits) => lits.iter().any(|l| l.equals(lookup(doc, p))),
            Filter::StartsWith(p, prefix) => lookup(doc, p)
                .and_then(Value::as_str)
                .is_some_and(|v| v.to_lowercase().starts_with(&prefix.to_lowercase())),
            Filter::Any(p, lit) => lookup(doc, p)
                .and_then(Value::as_array)
                .is_some_and(|items| items.iter().any(|i| lit.equals(Some(i)))),
            Filter::And(a, b) => a.matches(doc) && b.matches(doc),
            Filter::Or(a, b) => a.matches(doc) || b.matches(doc),
            Filter::Not(a) => !a.matches(doc),
        }
    }
}

/// `web/redirectUris` style property paths.
fn lookup<'a>(doc: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('/');
    let mut value = doc.get(parts.next()?)?;
    for part in parts {
        value = value.get(part)?;
    }
    Some(value)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Open,
    Close,
    Comma,
    Colon,
}

fn invalid_filter(reason: &str) -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        format!("Invalid filter clause: {reason}"),
    )
}

fn unsupported() -> GraphError {
    GraphError::new(
        StatusCode::BAD_REQUEST,
        "Request_UnsupportedQuery",
        "Unsupported Query.",
    )
}

fn tokenize(text: &str) -> Result<Vec<Token>, GraphError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '(' | ')' | ',' | ':' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    ',' => Token::Comma,
                    _ => Token::Colon,
                });
            }
            '\'' => {
                chars.next();
                let mut literal = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            literal.push('\'');
                        }
                        Some('\'') => break,
                        Some(other) => literal.push(other),
                        None => return Err(invalid_filter("unterminated string literal.")),
                    }
                }
                tokens.push(Token::Str(literal));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_alphanumeric() || matches!(c, '_' | '.' | '/' | '-' | '@') {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if word.is_empty() {
                    return Err(invalid_filter(&format!("syntax error at '{c}'.")));
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

pub(crate) fn parse_filter(text: &str) -> Result<Filter, GraphError> {
    let mut parser = Parser {
        tokens: tokenize(text)?,
        pos: 0,
    };
    let filter = parser.or()?;
    if parser.pos != parser.tokens.len() {
        return Err(invalid_filter(
            "syntax error after the end of the expression.",
        ));
    }
    Ok(filter)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn expect(&mut self, token: &Token) -> Result<(), GraphError> {
        if self.next().as_ref() == Some(token) {
            Ok(())
        } else {
            Err(invalid_filter("syntax error: unexpected token."))
        }
    }

    fn word(&mut self) -> Result<String, GraphError> {
        match self.next() {
            Some(Token::Word(w)) => Ok(w),
            _ => Err(invalid_filter("expected a property name.")),
        }
    }

    fn or(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.pos += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.pos += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, GraphError> {
        if self.peek_word("not") {
            self.pos += 1;
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Filter, GraphError> {
        if self.tokens.get(self.pos) == Some(&Token::Open) {
            self.pos += 1;
            let inner = self.or()?;
            self.expect(&Token::Close)?;
            return Ok(inner);
        }
        let name = self.word()?;
        if self.tokens.get(self.pos) == Some(&Token::Open) {
            self.pos += 1;
            return self.call(&name);
        }
        let operator = self.word()?.to_ascii_lowercase();
        match operator.as_str() {
            "eq" => Ok(Filter::Eq(name, self.literal()?)),
            "ne" => Ok(Filter::Ne(name, self.literal()?)),
            "in" => {
                self.expect(&Token::Open)?;
                let mut values = vec![self.literal()?];
                while self.tokens.get(self.pos) == Some(&Token::Comma) {
                    self.pos += 1;
                    values.push(self.literal()?);
                }
                self.expect(&Token::Close)?;
                Ok(Filter::In(name, values))
            }
            "gt" | "ge" | "lt" | "le" => Err(unsupported()),
            _ => Err(invalid_filter(&format!("unknown operator '{operator}'."))),
        }
    }

    /// `startswith(prop,'x')` or `prop/any(v:v eq 'x')`; the opening
    /// parenthesis is already consumed.
    fn call(&mut self, name: &str) -> Result<Filter, GraphError> {
        if name.eq_ignore_ascii_case("startswith") {
            let property = self.word()?;
            self.expect(&Token::Comma)?;
            let Some(Token::Str(prefix)) = self.next() else {
                return Err(invalid_filter("startswith expects a string literal."));
            };
            self.expect(&Token::Close)?;
            return Ok(Filter::StartsWith(property, prefix));
        }
        let Some(collection) = name.strip_suffix("/any") else {
            return Err(unsupported());
        };
        let variable = self.word()?;
        self.expect(&Token::Colon)?;
        if self.word()? != variable || !self.peek_word("eq") {
            return Err(unsupported());
        }
        self.pos += 1;
        let value = self.literal()?;
        self.expect(&Token::Close)?;
        Ok(Filter::Any(collection.to_owned(), value))
    }

    fn literal(&mut self) -> Result<Literal, GraphError> {
        match self.next() {
            Some(Token::Str(s)) => Ok(Literal::Str(s)),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("null") => Ok(Literal::Null),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("true") => Ok(Literal::Bool(true)),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("false") => Ok(Literal::Bool(false)),
            _ => Err(invalid_filter("expected a literal.")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("object")
    }

    #[test]
    fn parses_paths_with_alternate_keys() {
        let t = parse_target("applications(uniqueName='it''s%20mine')");
        assert_eq!(t.collection, "applications");
        assert_eq!(
            t.key,
            Some(Key::Alternate {
                property: "uniqueName".into(),
                value: "it's mine".into()
            })
        );
        let t = parse_target("applications/abc/addPassword");
        assert_eq!(t.key, Some(Key::Id("abc".into())));
        assert_eq!(t.rest, vec!["addPassword".to_owned()]);
        let t = parse_target("me");
        assert_eq!((t.collection.as_str(), t.key), ("me", None));
    }

    #[test]
    fn filters_match_like_graph() {
        let app = doc(
            json!({ "displayName": "Nylas Mail", "appId": "A-1", "tags": ["appreg", "x"], "web": { "homePageUrl": null } }),
        );
        for (text, expected) in [
            ("displayName eq 'nylas mail'", true),
            ("startswith(displayName,'Nyl')", true),
            ("tags/any(t:t eq 'APPREG')", true),
            ("tags/any(c:c eq 'other')", false),
            ("appId eq 'A-1' and not (displayName eq 'x')", true),
            ("appId in ('B', 'a-1')", true),
            ("displayName ne 'Nylas Mail' or appId eq 'zz'", false),
            ("web/homePageUrl eq null", true),
        ] {
            assert_eq!(
                parse_filter(text).expect(text).matches(&app),
                expected,
                "{text}"
            );
        }
        assert_eq!(
            parse_filter("displayName gt 'a'").map_err(|e| e.code),
            Err("Request_UnsupportedQuery".into())
        );
        assert_eq!(
            parse_filter("displayName eq 'a").map_err(|e| e.code),
            Err("BadRequest".into())
        );
        assert_eq!(
            parse_filter("contains(displayName,'a')").map_err(|e| e.code),
            Err("Request_UnsupportedQuery".into())
        );
    }
}

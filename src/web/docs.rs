//! `GET /docs`: the API reference for people, rendered on the server from
//! the OpenAPI document (served by `openapi::docs`). It needs neither
//! JavaScript nor anything from another site (no Swagger UI bundle, no
//! CDN): operations grouped by tag, each with its method, path, summary,
//! description, security, parameters, request body and responses (those
//! shared through `components.responses` shown in place); schemas
//! shown as a compact JSON-like tree whose `$ref`s link to the schemas
//! section. Every string from the document is HTML-escaped; the page has the
//! verification page's strict CSP and its stylesheet at `/assets/docs.css`.

use super::page::escape;
use axum::response::Response;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::fmt::Write as _;

/// The HTTP methods of a path item, in the order the page lists them.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Deepest nesting of inline schemas rendered (deeper ones show `…`).
const MAX_DEPTH: usize = 12;

/// The page's stylesheet, served at `/assets/docs.css` (the CSP allows no inline style).
pub const STYLE: &str = "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f4f4f7;color:#1f1e24;line-height:1.45}\
main{max-width:960px;margin:0 auto;padding:16px}\
header h1{margin:8px 0}\
nav{background:#fff;border-radius:12px;padding:12px 20px;margin:16px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}\
nav ul{padding-left:18px;margin:4px 0}nav li{margin:2px 0}\
section.tag>h2{margin:32px 0 4px;text-transform:capitalize}\
article{background:#fff;border-radius:12px;padding:12px 20px;margin:12px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}\
article h3{margin:4px 0 8px;font-size:17px;overflow-wrap:anywhere}\
h4{margin:12px 0 4px;font-size:13px;text-transform:uppercase;letter-spacing:1px;color:#6b6a75}\
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}\
pre{background:#f6f8fa;border-radius:8px;padding:8px 12px;overflow-x:auto;margin:4px 0}\
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:4px 8px;border-top:1px solid #e4e4ea}\
.m{display:inline-block;min-width:56px;text-align:center;border-radius:6px;padding:1px 6px;color:#fff;font-size:13px;margin-right:8px}\
.get{background:#1f75cb}.post{background:#1a7f37}.put,.patch{background:#b35900}.delete{background:#c62828}.head,.options,.trace{background:#555}\
.st{display:inline-block;min-width:40px;font-weight:600}.s2{color:#1a7f37}.s3{color:#1f75cb}.s4{color:#b35900}.s5{color:#c62828}\
.d{color:#6b6a75}.summary{font-weight:600;margin:4px 0}\
a{color:#1f75cb}dl{margin:4px 0}dt{margin-top:8px}dd{margin:2px 0 0 16px}";

/// `GET /assets/docs.css`.
#[utoipa::path(
    get,
    path = "/assets/docs.css",
    operation_id = "docs_stylesheet",
    tag = "operations",
    summary = "The reference page's stylesheet",
    responses(
        (status = 200, description = "The stylesheet.", body = String,
            content_type = "text/css; charset=utf-8"),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn stylesheet() -> Response {
    super::page::asset("text/css; charset=utf-8", STYLE)
}

/// The reference page for an OpenAPI 3.x document given as JSON text.
pub fn render(openapi_json: &str) -> Result<String, serde_json::Error> {
    let doc: Json = serde_json::from_str(openapi_json)?;
    Ok(render_document(&doc))
}

/// The reference page for a parsed document.
fn render_document(doc: &Json) -> String {
    let info = &doc["info"];
    let title = str_of(&info["title"]).unwrap_or("API");
    let version = str_of(&info["version"]).unwrap_or("");
    let groups = group_operations(doc);
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{t} {v} — API reference</title><link rel=\"stylesheet\" href=\"/assets/docs.css\"></head>\
<body><main><header><h1>{t} <small>{v}</small></h1>{desc}\
<p>Machine-readable: <a href=\"/openapi.json\" type=\"application/json\">/openapi.json</a> (OpenAPI {oas}).</p></header>",
        t = escape(title),
        v = escape(version),
        desc = paragraphs(str_of(&info["description"]).unwrap_or("")),
        oas = escape(str_of(&doc["openapi"]).unwrap_or("")),
    );

    // Contents.
    out.push_str("<nav><h2>Contents</h2><ul>");
    for group in &groups {
        let _ = write!(
            out,
            "<li><a href=\"#tag-{a}\">{n}</a><ul>",
            a = anchor(&group.name),
            n = escape(&group.name)
        );
        for op in &group.operations {
            let _ = write!(
                out,
                "<li><a href=\"#{id}\"><code>{m} {p}</code></a>{s}</li>",
                id = op.anchor,
                m = escape(&op.method.to_uppercase()),
                p = escape(&op.path),
                s = str_of(&op.operation["summary"])
                    .map(|s| format!(" — {}", inline(s)))
                    .unwrap_or_default(),
            );
        }
        out.push_str("</ul></li>");
    }
    out.push_str("<li><a href=\"#schemas\">Schemas</a></li><li><a href=\"#security\">Security schemes</a></li></ul></nav>");

    // Operations, by tag.
    for group in &groups {
        let _ = write!(
            out,
            "<section class=\"tag\" id=\"tag-{a}\"><h2>{n}</h2>{d}",
            a = anchor(&group.name),
            n = escape(&group.name),
            d = paragraphs(&group.description),
        );
        for op in &group.operations {
            operation(&mut out, doc, op);
        }
        out.push_str("</section>");
    }

    // Schemas.
    out.push_str("<section id=\"schemas\"><h2>Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let _ = write!(
                out,
                "<article id=\"schema-{a}\"><h3><code>{n}</code></h3>{d}<pre class=\"schema\">{tree}</pre>",
                a = anchor(name),
                n = escape(name),
                d = paragraphs(str_of(&schema["description"]).unwrap_or("")),
                tree = tree(schema, 0, 0),
            );
            if let Some(example) = schema
                .get("example")
                .or_else(|| schema["examples"].as_array().and_then(|a| a.first()))
            {
                let _ = write!(
                    out,
                    "<h4>Example</h4><pre>{}</pre>",
                    escape(&serde_json::to_string_pretty(example).unwrap_or_default())
                );
            }
            out.push_str("</article>");
        }
    }
    out.push_str("</section>");

    // Security schemes.
    out.push_str("<section id=\"security\"><h2>Security schemes</h2>");
    if let Some(schemes) = doc["components"]["securitySchemes"].as_object() {
        for (name, scheme) in schemes {
            let mut what = str_of(&scheme["type"]).unwrap_or("").to_owned();
            if let Some(s) = str_of(&scheme["scheme"]) {
                let _ = write!(what, ", scheme {s}");
            }
            if let Some(f) = str_of(&scheme["bearerFormat"]) {
                let _ = write!(what, ", format {f}");
            }
            let _ = write!(
                out,
                "<article id=\"security-{a}\"><h3><code>{n}</code></h3><p>{w}</p>{d}</article>",
                a = anchor(name),
                n = escape(name),
                w = escape(&what),
                d = paragraphs(str_of(&scheme["description"]).unwrap_or("")),
            );
        }
    }
    out.push_str("</section></main></body></html>");
    out
}

/// One operation of the document, with where it lives.
struct Op<'a> {
    method: String,
    path: String,
    operation: &'a Json,
    anchor: String,
}

/// The operations of one tag.
struct Group<'a> {
    name: String,
    description: String,
    operations: Vec<Op<'a>>,
}

/// Operations grouped by their first tag: the document's tags first, in
/// its order, then any other tag, then untagged ones under "other".
fn group_operations(doc: &Json) -> Vec<Group<'_>> {
    let mut groups: Vec<Group<'_>> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some(Group {
                name: str_of(&t["name"])?.to_owned(),
                description: str_of(&t["description"]).unwrap_or("").to_owned(),
                operations: Vec::new(),
            })
        })
        .collect();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let Some(operation) = item.get(method).filter(|o| o.is_object()) else {
                continue;
            };
            let tag = operation["tags"][0].as_str().unwrap_or("other");
            let anchor_id = format!(
                "op-{}",
                anchor(
                    &str_of(&operation["operationId"])
                        .map(str::to_owned)
                        .unwrap_or_else(|| format!("{method}-{path}"))
                )
            );
            let op = Op {
                method: method.to_owned(),
                path: path.clone(),
                operation,
                anchor: anchor_id,
            };
            match groups.iter_mut().find(|g| g.name == tag) {
                Some(g) => g.operations.push(op),
                None => groups.push(Group {
                    name: tag.to_owned(),
                    description: String::new(),
                    operations: vec![op],
                }),
            }
        }
    }
    groups.retain(|g| !g.operations.is_empty());
    groups
}

/// Renders one operation as an `<article>`.
fn operation(out: &mut String, doc: &Json, op: &Op<'_>) {
    let o = op.operation;
    let _ = write!(
        out,
        "<article class=\"op\" id=\"{id}\"><h3><span class=\"m {mc}\">{m}</span><code>{p}</code></h3>",
        id = op.anchor,
        mc = escape(&op.method),
        m = escape(&op.method.to_uppercase()),
        p = escape(&op.path),
    );
    if let Some(s) = str_of(&o["summary"]) {
        let _ = write!(out, "<p class=\"summary\">{}</p>", inline(s));
    }
    out.push_str(&paragraphs(str_of(&o["description"]).unwrap_or("")));
    if o["deprecated"].as_bool() == Some(true) {
        out.push_str("<p><strong>Deprecated.</strong></p>");
    }

    // Security: the operation's own, else the document's.
    out.push_str("<p><strong>Security:</strong> ");
    let security = o.get("security").or_else(|| doc.get("security"));
    let requirements: Vec<&[(String, Json)]> = security
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .filter_map(Json::as_object)
        .collect();
    if requirements.is_empty() {
        out.push_str("none (public).</p>");
    } else {
        let mut alternatives = Vec::new();
        for req in requirements {
            if req.is_empty() {
                alternatives.push("none (optional)".to_owned());
                continue;
            }
            let parts: Vec<String> = req
                .iter()
                .map(|(name, scopes)| {
                    let scopes: Vec<&str> = scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Json::as_str)
                        .collect();
                    let scopes = if scopes.is_empty() {
                        String::new()
                    } else {
                        format!(" (scope: {})", escape(&scopes.join(", ")))
                    };
                    format!(
                        "<a href=\"#security-{a}\"><code>{n}</code></a>{scopes}",
                        a = anchor(name),
                        n = escape(name)
                    )
                })
                .collect();
            alternatives.push(parts.join(" and "));
        }
        let _ = write!(out, "{}.</p>", alternatives.join(", or "));
    }

    // Parameters.
    if let Some(params) = o["parameters"].as_array().filter(|p| !p.is_empty()) {
        out.push_str("<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>schema</th><th>description</th></tr></thead><tbody>");
        for p in params {
            let required = p["required"].as_bool() == Some(true);
            let _ = write!(
                out,
                "<tr><td><code>{n}</code>{r}</td><td>{i}</td><td><code>{s}</code>{e}</td><td>{d}</td></tr>",
                n = escape(str_of(&p["name"]).unwrap_or("")),
                r = if required { " (required)" } else { "" },
                i = escape(str_of(&p["in"]).unwrap_or("")),
                s = tree(&p["schema"], 0, 0),
                e = p
                    .get("example")
                    .map(|x| format!("<br><span class=\"d\">e.g. {}</span>", escape(&compact(x))))
                    .unwrap_or_default(),
                d = inline(str_of(&p["description"]).unwrap_or("")),
            );
        }
        out.push_str("</tbody></table>");
    }

    // Request body.
    if let Some(body) = o.get("requestBody").filter(|b| b.is_object()) {
        let _ = write!(
            out,
            "<h4>Request body{}</h4>",
            if body["required"].as_bool() == Some(true) {
                " (required)"
            } else {
                ""
            }
        );
        out.push_str(&paragraphs(str_of(&body["description"]).unwrap_or("")));
        content(out, &body["content"]);
    }

    // Responses.
    out.push_str("<h4>Responses</h4><dl>");
    if let Some(responses) = o["responses"].as_object() {
        for (status, response) in responses {
            let response = shared_response(doc, response);
            let class = match status.chars().next() {
                Some(c @ '2'..='5') => format!("st s{c}"),
                _ => "st".to_owned(),
            };
            let _ = write!(
                out,
                "<dt><span class=\"{class}\">{s}</span> {d}</dt><dd>",
                s = escape(status),
                d = inline(str_of(&response["description"]).unwrap_or("")),
            );
            if let Some(headers) = response["headers"].as_object().filter(|h| !h.is_empty()) {
                out.push_str("<p>Headers:</p><ul>");
                for (name, h) in headers {
                    let _ = write!(
                        out,
                        "<li><code>{n}</code>: <code>{s}</code> {d}</li>",
                        n = escape(name),
                        s = tree(&h["schema"], 0, 0),
                        d = inline(str_of(&h["description"]).unwrap_or("")),
                    );
                }
                out.push_str("</ul>");
            }
            content(out, &response["content"]);
            out.push_str("</dd>");
        }
    }
    out.push_str("</dl></article>");
}

/// A response given as a `$ref` to `#/components/responses/…` (a response
/// many operations share), looked up so that it shows like any other; the
/// response itself when it is not such a reference or names nothing.
fn shared_response<'a>(doc: &'a Json, response: &'a Json) -> &'a Json {
    str_of(&response["$ref"])
        .and_then(|r| r.strip_prefix("#/components/responses/"))
        .map(|name| &doc["components"]["responses"][name])
        .filter(|shared| shared.is_object())
        .unwrap_or(response)
}

/// A content map: each media type with its schema.
fn content(out: &mut String, content: &Json) {
    let Some(map) = content.as_object().filter(|m| !m.is_empty()) else {
        return;
    };
    out.push_str("<ul>");
    for (media_type, media) in map {
        let schema = &media["schema"];
        let shown = if schema.is_null() {
            " <span class=\"d\">(any bytes of this type)</span>".to_owned()
        } else {
            let t = tree(schema, 0, 0);
            if t.contains('\n') {
                format!("<pre class=\"schema\">{t}</pre>")
            } else {
                format!(": <code>{t}</code>")
            }
        };
        let _ = write!(out, "<li><code>{}</code>{shown}</li>", escape(media_type));
    }
    out.push_str("</ul>");
}

/// A schema as a compact, JSON-like tree (HTML, for a `<pre>`): objects as
/// `{ "name"?: type  // description }`, arrays as `[ item ]`, alternatives
/// joined by `|`, `$ref`s as links to the schemas section.
fn tree(schema: &Json, indent: usize, depth: usize) -> String {
    if depth > MAX_DEPTH {
        return "…".to_owned();
    }
    match schema {
        Json::Bool(true) | Json::Null => return "any".to_owned(),
        Json::Bool(false) => return "never".to_owned(),
        Json::Object(o) if o.is_empty() => return "any".to_owned(),
        Json::Object(_) => {}
        other => return escape(&compact(other)),
    }
    if let Some(r) = str_of(&schema["$ref"]) {
        return reference(r);
    }
    for (key, joiner) in [
        ("oneOf", "one of"),
        ("anyOf", "any of"),
        ("allOf", "all of"),
    ] {
        if let Some(alternatives) = schema[key].as_array() {
            let parts: Vec<String> = alternatives
                .iter()
                .map(|a| tree(a, indent + 2, depth + 1))
                .collect();
            let simple = parts.iter().all(|p| !p.contains('\n'));
            return if simple && key != "allOf" {
                parts.join(" | ")
            } else {
                let pad = " ".repeat(indent + 2);
                let mut s = format!("{joiner}:");
                for p in parts {
                    let _ = write!(s, "\n{pad}- {p}");
                }
                s
            };
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        return values
            .iter()
            .map(|v| escape(&compact(v)))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    if let Some(c) = schema.get("const") {
        return escape(&compact(c));
    }
    let types: Vec<&str> = match &schema["type"] {
        Json::String(t) => vec![t.as_str()],
        Json::Array(ts) => ts.iter().filter_map(Json::as_str).collect(),
        _ if schema.get("properties").is_some() => vec!["object"],
        _ => vec![],
    };
    if types.is_empty() {
        return "any".to_owned();
    }
    types
        .iter()
        .map(|t| match *t {
            "object" => object(schema, indent, depth),
            "array" => {
                let item = tree(&schema["items"], indent, depth + 1);
                let mut s = format!("[ {item} ]");
                let (min, max) = (&schema["minItems"], &schema["maxItems"]);
                match (min.as_u64(), max.as_u64()) {
                    (Some(a), Some(b)) => {
                        let _ = write!(s, " <span class=\"d\">({a} to {b} items)</span>");
                    }
                    (None, Some(b)) => {
                        let _ = write!(s, " <span class=\"d\">(at most {b} items)</span>");
                    }
                    (Some(a), None) => {
                        let _ = write!(s, " <span class=\"d\">(at least {a} items)</span>");
                    }
                    _ => {}
                }
                s
            }
            primitive => {
                let mut s = escape(primitive);
                if let Some(f) = str_of(&schema["format"]) {
                    let _ = write!(s, "&lt;{}&gt;", escape(f));
                }
                if let Some(m) = str_of(&schema["contentMediaType"]) {
                    let _ = write!(s, " <span class=\"d\">({})</span>", escape(m));
                }
                s
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// An object schema's properties, one per line.
fn object(schema: &Json, indent: usize, depth: usize) -> String {
    let props = schema["properties"].as_object().filter(|p| !p.is_empty());
    let additional = schema
        .get("additionalProperties")
        .filter(|a| !matches!(a, Json::Bool(_)));
    if props.is_none() && additional.is_none() {
        return "object".to_owned();
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect();
    let pad = " ".repeat(indent + 2);
    let mut s = "{".to_owned();
    for (name, prop) in props.into_iter().flatten() {
        let optional = if required.contains(&name.as_str()) {
            ""
        } else {
            "?"
        };
        let _ = write!(
            s,
            "\n{pad}{n}{optional}: {t}",
            n = escape(&compact(&Json::String(name.clone()))),
            t = tree(prop, indent + 2, depth + 1),
        );
        if let Some(d) = str_of(&prop["description"]) {
            let _ = write!(s, "  <span class=\"d\">// {}</span>", inline(&one_line(d)));
        }
    }
    if let Some(a) = additional {
        let _ = write!(s, "\n{pad}[name]: {}", tree(a, indent + 2, depth + 1));
    }
    let _ = write!(s, "\n{}}}", " ".repeat(indent));
    s
}

/// A `$ref`: a link to the schemas section when it names a local schema.
fn reference(r: &str) -> String {
    match r.strip_prefix("#/components/schemas/") {
        Some(name) => {
            let name = name.replace("~1", "/").replace("~0", "~");
            format!(
                "<a href=\"#schema-{a}\">{n}</a>",
                a = anchor(&name),
                n = escape(&name)
            )
        }
        None => escape(r),
    }
}

/// A string value.
fn str_of(v: &Json) -> Option<&str> {
    v.as_str()
}

/// JSON text of a value, on one line.
fn compact(v: &Json) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Text on one line (for `// description` comments).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A fragment identifier: letters, digits, `-`, `_` and `.`; anything else becomes `-`.
fn anchor(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Escaped text with `` `code` `` spans as `<code>`.
fn inline(text: &str) -> String {
    let escaped = escape(text);
    let mut parts: Vec<&str> = escaped.split('`').collect();
    // An unmatched last backtick stays literal.
    let tail = if parts.len().is_multiple_of(2) {
        parts.pop().map(|last| format!("`{last}"))
    } else {
        None
    };
    let mut out = String::with_capacity(escaped.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out.push_str(&tail.unwrap_or_default());
    out
}

/// Text in paragraphs (separated by blank lines), each escaped, with `code` spans.
fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", inline(p)))
        .collect()
}

/// JSON that keeps object members in document order (`serde_json::Value`
/// sorts them here), so schemas list properties as declared.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// What indexing a missing member or item gives.
static NULL: Json = Json::Null;

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&Vec<Json>> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
}

impl std::ops::Index<&str> for Json {
    type Output = Json;
    fn index(&self, key: &str) -> &Json {
        self.get(key).unwrap_or(&NULL)
    }
}

impl std::ops::Index<usize> for Json {
    type Output = Json;
    fn index(&self, i: usize) -> &Json {
        self.as_array().and_then(|a| a.get(i)).unwrap_or(&NULL)
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct JsonVisitor;
        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_none<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
                Json::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
                Ok(Json::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
                Ok(Json::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
                Ok(Json::Number(n.into()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
                Ok(serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number))
            }
            fn visit_str<E>(self, s: &str) -> Result<Json, E> {
                Ok(Json::String(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> Result<Json, E> {
                Ok(Json::String(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut members: Vec<(String, Json)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Json>()? {
                    // A repeated member replaces the earlier one, as in serde_json.
                    match members.iter_mut().find(|(key, _)| *key == k) {
                        Some(m) => m.1 = v,
                        None => members.push((k, v)),
                    }
                }
                Ok(Json::Object(members))
            }
        }
        deserializer.deserialize_any(JsonVisitor)
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Number(n) => n.serialize(serializer),
            Json::String(s) => serializer.serialize_str(s),
            Json::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn a_shared_response_shows_like_an_inline_one() {
        let doc = serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {
                "operationId": "x",
                "responses": {
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "404": {"$ref": "#/components/responses/Missing"},
                },
            }}},
            "components": {
                "responses": {"Unauthorized": {
                    "description": "No token.",
                    "content": {"application/problem+json": {
                        "schema": {"$ref": "#/components/schemas/Problem"}}},
                }},
                "schemas": {"Problem": {"type": "object"}},
            },
        });
        let html = render(&doc.to_string()).unwrap();
        assert!(html.contains("No token."), "{html}");
        assert!(html.contains("application/problem+json"), "{html}");
        assert!(html.contains("href=\"#schema-Problem\""), "{html}");
        // A reference to nothing still lists its status.
        assert!(html.contains(">404<"), "{html}");
    }
}

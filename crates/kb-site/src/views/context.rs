//! A template context under construction.

use minijinja::Value as JValue;
use serde_json::Value;
use std::collections::BTreeMap;

/// A template context under construction: per-page data as JSON (indexable like a
/// `serde_json::Value`), plus shared parts that are already template values.
pub struct Context {
    json: Value,
    shared: Vec<(&'static str, JValue)>,
}

impl Context {
    pub(crate) fn new(json: Value) -> Context {
        Context {
            json,
            shared: Vec::new(),
        }
    }

    /// Sets a top-level variable to a prepared (shared) value.
    pub(crate) fn shared(&mut self, key: &'static str, value: JValue) {
        if let Value::Object(o) = &mut self.json {
            o.remove(key);
        }
        self.shared.retain(|(k, _)| *k != key);
        self.shared.push((key, value));
    }

    pub(crate) fn into_value(self) -> JValue {
        let mut vars: BTreeMap<String, JValue> = BTreeMap::new();
        if let Value::Object(o) = self.json {
            for (k, v) in o {
                vars.insert(k, JValue::from_serialize(&v));
            }
        }
        for (k, v) in self.shared {
            vars.insert(k.to_string(), v);
        }
        JValue::from_iter(vars)
    }
}

impl std::ops::Index<&str> for Context {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        &self.json[key]
    }
}

impl std::ops::IndexMut<&str> for Context {
    fn index_mut(&mut self, key: &str) -> &mut Value {
        // A per-page value replaces a shared one of the same name.
        self.shared.retain(|(k, _)| *k != key);
        &mut self.json[key]
    }
}

//! The one type that holds secret material: client secrets, access and refresh tokens.
//!
//! It zeroizes on drop, has no `Display`, `Serialize` or `Clone`, and its `Debug` prints a
//! placeholder, so its content cannot leak into a log line, a snapshot or a panic message:
//! reading it takes an explicit `expose()`, so every place that does is easy to find.

use zeroize::Zeroizing;

pub struct SecretString(Zeroizing<String>);

impl SecretString {
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The secret itself. Callers hand it straight to the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A copy that is zeroized on drop too. Named so that copies stay deliberate.
    pub fn duplicate(&self) -> Self {
        Self::new(self.0.as_str().to_owned())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What the screen shows before the user asks to reveal it.
    pub fn masked(&self) -> String {
        "•".repeat(self.0.chars().count().clamp(8, 40))
    }
}

/// `{:?}` of anything that contains a secret prints this, never the value.
impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

impl PartialEq<str> for SecretString {
    fn eq(&self, other: &str) -> bool {
        self.0.as_str() == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = SecretString::new("Abc~def.123".into());
        let shown = format!("{s:?} {:?}", Some(&s));
        assert!(!shown.contains("Abc~def"), "{shown}");
        assert_eq!(s.expose(), "Abc~def.123");
    }

    #[test]
    fn deserializes_from_json_strings() {
        let s: SecretString = serde_json::from_str("\"xyz\"").unwrap();
        assert!(s == *"xyz");
        assert_eq!(s.masked().chars().count(), 8);
    }
}

//! A list read in the background that the user narrows by typing and moves through: the
//! tenants to register in and the apps to check are both one of these.

use super::text_input::TextInput;

/// Something read in the background: not yet there, there, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load<T> {
    Loading,
    Loaded(T),
    Failed(String),
}

/// What typing in the filter matches an item by.
pub trait Searchable {
    fn search_text(&self) -> Vec<&str>;
}

#[derive(Debug)]
pub struct PickList<T> {
    pub load: Load<Vec<T>>,
    pub filter: TextInput,
    /// Index into [`PickList::visible`].
    pub cursor: usize,
}

impl<T> Default for PickList<T> {
    fn default() -> Self {
        Self {
            load: Load::Loading,
            filter: TextInput::default(),
            cursor: 0,
        }
    }
}

impl<T: Searchable> PickList<T> {
    /// The items any of whose search texts contains the filter, ignoring case, in the order
    /// they were loaded.
    pub fn visible(&self) -> Vec<&T> {
        let Load::Loaded(all) = &self.load else {
            return Vec::new();
        };
        let wanted = self.filter.value().trim().to_lowercase();
        all.iter()
            .filter(|item| {
                wanted.is_empty()
                    || item
                        .search_text()
                        .iter()
                        .any(|text| text.to_lowercase().contains(&wanted))
            })
            .collect()
    }

    /// The item under the cursor.
    pub fn selected(&self) -> Option<&T> {
        self.visible().get(self.cursor).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Searchable for (&'static str, &'static str) {
        fn search_text(&self) -> Vec<&str> {
            vec![self.0, self.1]
        }
    }

    #[test]
    fn typing_narrows_by_any_field_ignoring_case_and_keeps_the_order() {
        let mut list = PickList {
            load: Load::Loaded(vec![
                ("Contoso", "c0c0"),
                ("Fabrikam", "fab1"),
                ("Acme", "ac3e"),
            ]),
            ..PickList::default()
        };
        assert_eq!(list.visible().len(), 3);
        list.filter.insert_str("FAB");
        assert_eq!(list.visible(), [&("Fabrikam", "fab1")]);
        list.filter.set(" c0 ");
        assert_eq!(list.selected(), Some(&("Contoso", "c0c0")));
        list.load = Load::Failed("no".into());
        assert!(list.visible().is_empty());
    }
}

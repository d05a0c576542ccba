//! The little a check needs to know about a breach: its title and the names
//! of its data classes, in bit order. Stored as the breach's metadata bytes
//! in the index; a small line format (`key=value`) until the full breach
//! metadata of the ingest arrives.

/// Title and data-class names of one breach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachInfo {
    pub title: String,
    /// Bit `i` of a record's class set stands for `data_classes[i]`.
    pub data_classes: Vec<String>,
}

impl BreachInfo {
    pub fn encode(&self) -> Vec<u8> {
        format!(
            "lekradar-breach-info 0\ntitle={}\nclasses={}\n",
            self.title.replace('\n', " "),
            self.data_classes.join(";")
        )
        .into_bytes()
    }

    /// Parses metadata bytes; `None` when they are not in this format.
    pub fn decode(bytes: &[u8]) -> Option<BreachInfo> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text.lines();
        if lines.next()? != "lekradar-breach-info 0" {
            return None;
        }
        let mut info = BreachInfo {
            title: String::new(),
            data_classes: Vec::new(),
        };
        for line in lines {
            match line.split_once('=')? {
                ("title", t) => info.title = t.to_owned(),
                ("classes", c) => {
                    info.data_classes = c
                        .split(';')
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                }
                _ => {}
            }
        }
        Some(info)
    }

    /// Names of the classes set in `classes`, in bit order.
    pub fn class_names(&self, classes: u32) -> Vec<&str> {
        self.data_classes
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 32 && classes & (1 << i) != 0)
            .map(|(_, name)| name.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_names() {
        let info = BreachInfo {
            title: "Demo telecom".into(),
            data_classes: vec![
                "Phone numbers".into(),
                "Names".into(),
                "Bank account numbers".into(),
            ],
        };
        let back = BreachInfo::decode(&info.encode()).unwrap();
        assert_eq!(back, info);
        assert_eq!(
            back.class_names(0b101),
            ["Phone numbers", "Bank account numbers"]
        );
        assert!(BreachInfo::decode(b"something else").is_none());
    }
}

//! A small XML tree, enough to read AWS's query and REST-XML answers and to write REST-XML
//! request bodies.

use quick_xml::events::Event;
use quick_xml::Reader;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    pub name: String,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first node of this name at any depth, this one included.
    pub fn find(&self, name: &str) -> Option<&Node> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }
}

/// The local name of an element (`ns:Name` → `Name`).
fn local(name: &[u8]) -> String {
    let text = String::from_utf8_lossy(name);
    match text.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => text.into_owned(),
    }
}

/// The document's root element; None when the text is not XML.
pub fn parse(text: &[u8]) -> Option<Node> {
    let mut reader = Reader::from_reader(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) => stack.push(Node {
                name: local(e.name().as_ref()),
                ..Node::default()
            }),
            Event::Empty(e) => {
                let node = Node {
                    name: local(e.name().as_ref()),
                    ..Node::default()
                };
                stack.last_mut()?.children.push(node);
            }
            Event::End(_) => {
                let node = stack.pop()?;
                stack.last_mut()?.children.push(node);
            }
            Event::Text(t) => {
                let s = t.unescape().ok()?;
                stack.last_mut()?.text.push_str(&s);
            }
            Event::CData(t) => {
                stack
                    .last_mut()?
                    .text
                    .push_str(&String::from_utf8_lossy(&t.into_inner()));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    let mut top = stack.pop()?;
    if !stack.is_empty() || top.children.len() != 1 {
        return None;
    }
    top.children.pop()
}

/// Text escaped for an element's content.
pub fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_read_into_trees() {
        let doc = br#"<?xml version="1.0"?><PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult><MessageId>m-1</MessageId></PublishResult>
  <ResponseMetadata><RequestId>r &amp; 1</RequestId></ResponseMetadata><Empty/>
</PublishResponse>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "PublishResponse");
        assert_eq!(root.find("MessageId").unwrap().text, "m-1");
        assert_eq!(root.find("RequestId").unwrap().text, "r & 1");
        assert!(root.child("Empty").is_some());
        assert!(parse(b"not xml at all").is_none());
    }
}

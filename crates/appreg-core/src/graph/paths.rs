//! Where things are in Microsoft Graph: the methods and resource paths appreg uses, in one place.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        })
    }
}

/// A resource API's service principal (Microsoft Graph, Exchange Online) with the
/// permissions it offers.
pub fn resource_sp_path(app_id: &str) -> String {
    format!(
        "/servicePrincipals(appId='{app_id}')?$select=id,appId,displayName,oauth2PermissionScopes,appRoles"
    )
}

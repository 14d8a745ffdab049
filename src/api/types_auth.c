/*
 * Schema source for the authentication.k8s.io/v1 and authorization.k8s.io/v1
 * kinds: the create-only reviews (nothing stored; the API server answers them
 * in src/apiserver/reviews.c) and TokenRequest (serviceaccounts/token).
 * Descriptions are our own words.
 */
#define CUBE_SCHEMA_TABLES
#include "api/internal.h"

/* ---- authentication.k8s.io/v1 ---- */

CUBE_FIELDS(user_info) = {
    F_STR("username", "Name of the user."),
    F_STR("uid", "Unique id of the user."),
    F_ASTR("groups", "Groups the user belongs to.", O_ATOMIC),
    F_ANY("extra", "Further attributes from the authenticator."),
    F_END,
};
CUBE_TYPE(user_info, "io.k8s.api.authentication.v1.UserInfo", "Who a user is.", NULL, NULL);

CUBE_FIELDS(self_subject_review_status) = {
    F_OBJ("userInfo", user_info, "The user who sent the request."),
    F_END,
};
CUBE_TYPE(self_subject_review_status, "io.k8s.api.authentication.v1.SelfSubjectReviewStatus",
          "What the server knows about the requester.", NULL, NULL);

CUBE_FIELDS(self_subject_review) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("status", self_subject_review_status, "The answer."),
    F_END,
};
CUBE_TYPE(self_subject_review, "io.k8s.api.authentication.v1.SelfSubjectReview",
          "Asks who the requester is.", NULL, NULL);

CUBE_FIELDS(token_review_spec) = {
    F_STR("token", "The token to check."),
    F_ASTR("audiences", "Audiences the token must be meant for.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(token_review_spec, "io.k8s.api.authentication.v1.TokenReviewSpec", "A token to check.",
          NULL, NULL);

CUBE_FIELDS(token_review_status) = {
    F_BOOL("authenticated", "Whether the token is valid."),
    F_OBJ("user", user_info, "Who the token stands for."),
    F_ASTR("audiences", "Audiences the token is valid for.", O_ATOMIC),
    F_STR("error", "Why the token was not accepted."),
    F_END,
};
CUBE_TYPE(token_review_status, "io.k8s.api.authentication.v1.TokenReviewStatus",
          "The verdict on a token.", NULL, NULL);

CUBE_FIELDS(token_review) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", token_review_spec, "The token.", O_REQ),
    F_OBJ("status", token_review_status, "The answer."),
    F_END,
};
CUBE_TYPE(token_review, "io.k8s.api.authentication.v1.TokenReview",
          "Asks whether a token is valid and whose it is.", NULL, NULL);

/* ---- authorization.k8s.io/v1 ---- */

CUBE_FIELDS(resource_attributes) = {
    F_STR("namespace", "Namespace of the action."),
    F_STR("verb", "The verb."),
    F_STR("group", "API group of the resource."),
    F_STR("version", "API version of the resource."),
    F_STR("resource", "The resource."),
    F_STR("subresource", "The subresource."),
    F_STR("name", "Name of the object."),
    F_ANY("fieldSelector", "Field selector of a list or watch."),
    F_ANY("labelSelector", "Label selector of a list or watch."),
    F_END,
};
CUBE_TYPE(resource_attributes, "io.k8s.api.authorization.v1.ResourceAttributes",
          "An action on a resource.", NULL, NULL);

CUBE_FIELDS(non_resource_attributes) = {
    F_STR("path", "The URL path."),
    F_STR("verb", "The HTTP verb, lower case."),
    F_END,
};
CUBE_TYPE(non_resource_attributes, "io.k8s.api.authorization.v1.NonResourceAttributes",
          "An action on a non-resource path.", NULL, NULL);

CUBE_FIELDS(subject_access_review_status) = {
    F_BOOL("allowed", "Whether the action is allowed."),
    F_BOOL("denied", "Whether the action is explicitly denied."),
    F_STR("reason", "Why."),
    F_STR("evaluationError", "What went wrong while deciding."),
    F_END,
};
CUBE_TYPE(subject_access_review_status, "io.k8s.api.authorization.v1.SubjectAccessReviewStatus",
          "The verdict.", NULL, NULL);

CUBE_FIELDS(self_subject_access_review_spec) = {
    F_OBJ("resourceAttributes", resource_attributes, "The action on a resource."),
    F_OBJ("nonResourceAttributes", non_resource_attributes, "The action on a path."),
    F_END,
};
CUBE_TYPE(self_subject_access_review_spec,
          "io.k8s.api.authorization.v1.SelfSubjectAccessReviewSpec", "The action to check.", NULL,
          NULL);

CUBE_FIELDS(self_subject_access_review) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", self_subject_access_review_spec, "The action.", O_REQ),
    F_OBJ("status", subject_access_review_status, "The answer."),
    F_END,
};
CUBE_TYPE(self_subject_access_review, "io.k8s.api.authorization.v1.SelfSubjectAccessReview",
          "Asks whether the requester may do something.", NULL, NULL);

CUBE_FIELDS(subject_access_review_spec) = {
    F_OBJ("resourceAttributes", resource_attributes, "The action on a resource."),
    F_OBJ("nonResourceAttributes", non_resource_attributes, "The action on a path."),
    F_STR("user", "The user to check."),
    F_ASTR("groups", "The user's groups.", O_ATOMIC),
    F_ANY("extra", "Further attributes of the user."),
    F_STR("uid", "The user's uid."),
    F_END,
};
CUBE_TYPE(subject_access_review_spec, "io.k8s.api.authorization.v1.SubjectAccessReviewSpec",
          "Who and what to check.", NULL, NULL);

CUBE_FIELDS(subject_access_review) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", subject_access_review_spec, "Who and what.", O_REQ),
    F_OBJ("status", subject_access_review_status, "The answer."),
    F_END,
};
CUBE_TYPE(subject_access_review, "io.k8s.api.authorization.v1.SubjectAccessReview",
          "Asks whether a user may do something.", NULL, NULL);
CUBE_FIELDS(local_subject_access_review) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta,
          "Standard object metadata (its namespace is the "
          "one checked)."),
    F_OBJ("spec", subject_access_review_spec, "Who and what.", O_REQ),
    F_OBJ("status", subject_access_review_status, "The answer."),
    F_END,
};
CUBE_TYPE(local_subject_access_review, "io.k8s.api.authorization.v1.LocalSubjectAccessReview",
          "Asks whether a user may do something in one namespace.", NULL, NULL);

CUBE_FIELDS(self_subject_rules_review_spec) = {
    F_STR("namespace", "Namespace to list the rules for."),
    F_END,
};
CUBE_TYPE(self_subject_rules_review_spec, "io.k8s.api.authorization.v1.SelfSubjectRulesReviewSpec",
          "Where to look.", NULL, NULL);

CUBE_FIELDS(resource_rule) = {
    F_ASTR("verbs", "Verbs allowed.", O_ATOMIC),
    F_ASTR("apiGroups", "API groups.", O_ATOMIC),
    F_ASTR("resources", "Resources.", O_ATOMIC),
    F_ASTR("resourceNames", "Names.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(resource_rule, "io.k8s.api.authorization.v1.ResourceRule", "Allowed resource actions.",
          NULL, NULL);

CUBE_FIELDS(non_resource_rule) = {
    F_ASTR("verbs", "Verbs allowed.", O_ATOMIC),
    F_ASTR("nonResourceURLs", "Paths.", O_ATOMIC),
    F_END,
};
CUBE_TYPE(non_resource_rule, "io.k8s.api.authorization.v1.NonResourceRule", "Allowed path actions.",
          NULL, NULL);

CUBE_FIELDS(subject_rules_review_status) = {
    F_AOBJ("resourceRules", resource_rule, "Allowed resource actions.", O_ATOMIC),
    F_AOBJ("nonResourceRules", non_resource_rule, "Allowed path actions.", O_ATOMIC),
    F_BOOL("incomplete", "Whether the list may miss rules."),
    F_STR("evaluationError", "What went wrong while listing."),
    F_END,
};
CUBE_TYPE(subject_rules_review_status, "io.k8s.api.authorization.v1.SubjectRulesReviewStatus",
          "What the requester may do.", NULL, NULL);

CUBE_FIELDS(self_subject_rules_review) = {
    F_STR("apiVersion", "Versioned schema of this object."),
    F_STR("kind", "Kind of this object."),
    F_OBJ("metadata", cube_schema_object_meta, "Standard object metadata."),
    F_OBJ("spec", self_subject_rules_review_spec, "Where.", O_REQ),
    F_OBJ("status", subject_rules_review_status, "The answer."),
    F_END,
};
CUBE_TYPE(self_subject_rules_review, "io.k8s.api.authorization.v1.SelfSubjectRulesReview",
          "Lists what the requester may do in a namespace.", NULL, NULL);

const cube_schema_kind_t cube_schema_kinds_auth[] = {
    CUBE_KIND("authentication.k8s.io", NULL, "SelfSubjectReview", self_subject_review),
    CUBE_KIND("authentication.k8s.io", NULL, "TokenReview", token_review),
    CUBE_KIND("authorization.k8s.io", NULL, "LocalSubjectAccessReview",
              local_subject_access_review),
    CUBE_KIND("authorization.k8s.io", NULL, "SelfSubjectAccessReview", self_subject_access_review),
    CUBE_KIND("authorization.k8s.io", NULL, "SelfSubjectRulesReview", self_subject_rules_review),
    CUBE_KIND("authorization.k8s.io", NULL, "SubjectAccessReview", subject_access_review),
};
const size_t cube_schema_kinds_auth_n = CUBE_ARRAY_SIZE(cube_schema_kinds_auth);

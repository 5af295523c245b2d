package dev.monetize.openapi.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.PropertyNamingStrategy;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaBuilder;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import java.lang.reflect.Type;

/**
 * JSON Schema 2020-12 (what OpenAPI 3.1 speaks) of the code's types, one document's worth: each
 * type asked for gets a reference, and {@link #definitions()} gives every type they use, named
 * after the type, for {@code components/schemas}. Property names are the ones {@code mapper}
 * writes: its naming strategy, and Jackson's annotations.
 */
public final class TypeSchemas {
  private final SchemaBuilder builder;

  /** Schemas for answers written by {@code mapper}. */
  public TypeSchemas(ObjectMapper mapper) {
    PropertyNamingStrategy naming = mapper.getSerializationConfig().getPropertyNamingStrategy();
    SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(mapper, SchemaVersion.DRAFT_2020_12,
        OptionPreset.PLAIN_JSON)
        .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED,
            JacksonOption.FLATTENED_ENUMS_FROM_JSONVALUE))
        .with(Option.DEFINITIONS_FOR_ALL_OBJECTS, Option.EXTRA_OPEN_API_FORMAT_VALUES, Option.FLATTENED_OPTIONALS,
            Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES)
        .without(Option.SCHEMA_VERSION_INDICATOR);
    // a map is written in place ({"type":"object","additionalProperties":...}), never a schema of its own
    config.forTypesInGeneral().withCustomDefinitionProvider(
        new com.github.victools.jsonschema.generator.CustomDefinitionProviderV2() {
          @Override
          public com.github.victools.jsonschema.generator.CustomDefinition provideCustomSchemaDefinition(
              com.fasterxml.classmate.ResolvedType javaType,
              com.github.victools.jsonschema.generator.SchemaGenerationContext context) {
            if (!javaType.isInstanceOf(java.util.Map.class)) {
              return null;
            }
            return new com.github.victools.jsonschema.generator.CustomDefinition(
                context.createStandardDefinition(javaType, this),
                com.github.victools.jsonschema.generator.CustomDefinition.DefinitionType.INLINE,
                com.github.victools.jsonschema.generator.CustomDefinition.AttributeInclusion.YES);
          }
        });
    // OpenAPI names schemas with [A-Za-z0-9._-] only: Map(String,Long) becomes MapStringLong
    config.forTypesInGeneral().withDefinitionNamingStrategy(
        new com.github.victools.jsonschema.generator.naming.DefaultSchemaDefinitionNamingStrategy() {
          @Override
          public String getDefinitionNameForKey(com.github.victools.jsonschema.generator.impl.DefinitionKey key,
              com.github.victools.jsonschema.generator.SchemaGenerationContext context) {
            return super.getDefinitionNameForKey(key, context).replaceAll("[^A-Za-z0-9._-]", "");
          }
        });
    if (naming instanceof PropertyNamingStrategies.NamingBase base) {
      config.forFields().withPropertyNameOverrideResolver(field -> {
        String name = field.getDeclaredName();
        String translated = base.translate(name);
        return translated.equals(name) ? null : translated;
      });
    }
    this.builder = new SchemaGenerator(config.build()).buildMultipleSchemaDefinitions();
  }

  /** A schema standing for {@code type}: a reference to its definition, or an inline one for a simple type. */
  public ObjectNode reference(Type type) {
    return builder.createSchemaReference(type);
  }

  /** Every definition the references use, by name; references point at {@code #/components/schemas/<name>}. */
  public ObjectNode definitions() {
    return builder.collectDefinitions("components/schemas");
  }
}

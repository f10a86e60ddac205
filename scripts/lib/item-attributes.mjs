// Which attributes the game reads on each element of an item file, so that an attribute the game
// would ignore (a typo, or one placed on the wrong element) fails the build instead of silently
// doing nothing. Barotrauma applies an element's attributes in two ways: SerializableProperty.
// DeserializeProperties sets every [Serialize] property whose name matches an attribute
// (case-insensitively) and ignores the rest; loaders read a few attributes by name
// (GetAttributeString and friends). Each list below names the class and member it comes from, as
// read in the game's source (FakeFishGames/Barotrauma, Barotrauma/BarotraumaShared/SharedSource
// and BarotraumaClient/ClientSource; LuaCs builds the same classes). Where a loader was not re-read
// the entry says "vanilla usage": the game's own item XML sets that attribute on that element.
// The lists are not every property: an attribute missing here is an error until it is added with
// the member that reads it.

/** ItemComponent: [Serialize] properties, plus selectkey / pickkey read in its constructor. */
const ITEM_COMPONENT = {
    attrs: [
        // ItemComponent [Serialize]: PickingTime, PickingMsg, InheritParentIsActive, CanBePicked,
        // DrawHudWhenEquipped, LockGuiFramePosition, GuiFrameOffset, CanBeSelected, CanBeCombined,
        // RemoveOnCombined, CharacterUsable, AllowInGameEditing, DeleteOnUse, Msg, CombatPriority
        "pickingtime", "pickingmsg", "inheritparentisactive", "canbepicked", "drawhudwhenequipped",
        "lockguiframeposition", "guiframeoffset", "canbeselected", "canbecombined", "removeoncombined",
        "characterusable", "allowingameediting", "deleteonuse", "msg", "combatpriority",
        // ItemComponent constructor: element.GetAttributeString("selectkey"/"pickkey", "Select")
        "selectkey", "pickkey",
        // ClientSource ItemComponent [Serialize]: AllowUIOverlap, LinkUIToComponent, HudPriority, HudLayer
        "allowuioverlap", "linkuitocomponent", "hudpriority", "hudlayer",
    ],
    source: "Items/Components/ItemComponent.cs (shared and client): [Serialize] properties; constructor",
};

function component(extra, source) {
    return { attrs: [...ITEM_COMPONENT.attrs, ...extra], source: `${source}; ${ITEM_COMPONENT.source}` };
}

/** Sprite constructor (Sprite.cs): the attributes a <Sprite>/<InventoryIcon> takes. */
// (texture/sourcerect/origin/depth: Sprite constructor, not re-read here; every vanilla item sprite
// uses them. sheetindex and name: read by ItemPrefab.ParseConfigElement case "sprite".)
const SPRITE = ["texture", "sourcerect", "origin", "depth", "sheetindex", "name"];

export const RULES = {
    // ItemPrefab.ParseConfigElement: identifier (MapEntityPrefab), category, tags, allowasextracargo
    // read by name; the rest through SerializableProperty.DeserializeProperties(this, ConfigElement):
    // ItemPrefab [Serialize] Indestructible, FireProof, WaterProof, CargoContainerIdentifier,
    // AllowRotatingInEditor, CanFlipX, CanFlipY, MaxStackSize, Health; MapEntityPrefab [Serialize]
    // Scale, Linkable (MapEntityPrefab not re-read here; vanilla items set both on <Item>);
    // ClientSource ItemPrefab [Serialize] ImpactSoundTag; aliases, allowedlinks, nameidentifier
    // read by name in ParseConfigElement.
    item: {
        attrs: ["identifier", "category", "tags", "allowasextracargo", "indestructible", "fireproof", "waterproof",
            "cargocontaineridentifier", "allowrotatingineditor", "canflipx", "canflipy", "maxstacksize", "health",
            "scale", "linkable", "impactsoundtag", "nameidentifier", "allowedlinks", "aliases"],
        source: "Items/ItemPrefab.cs ParseConfigElement and [Serialize] properties; Map/MapEntityPrefab.cs; ClientSource ItemPrefab.cs",
    },
    // ItemPrefab.ParseConfigElement case "sprite": CanSpriteFlipX/Y = GetAttributeBool("canflipx"/"canflipy"),
    // then new Sprite(subElement, ...).
    "item/sprite": { attrs: [...SPRITE, "canflipx", "canflipy"], source: "Items/ItemPrefab.cs ParseConfigElement case \"sprite\"; Sprite.cs" },
    // ClientSource ItemPrefab: InventoryIcon = new Sprite(subElement, ...).
    "item/inventoryicon": { attrs: SPRITE, source: "ClientSource/Items/ItemPrefab.cs; Sprite.cs" },
    // PhysicsBody(XElement): width, height, density (constructor not re-read here; vanilla bodies use them).
    "item/body": { attrs: ["width", "height", "density"], source: "Physics/PhysicsBody.cs constructor (vanilla usage)" },
    // ItemPrefab.ParseConfigElement case "price": reads baseprice, then PriceInfo.CreatePriceInfos
    // (per store: storeidentifier, sold, multiplier; PriceInfo not re-read here, vanilla usage).
    "item/price": { attrs: ["baseprice", "sold", "multiplier"], source: "Items/ItemPrefab.cs case \"price\"; PriceInfo.CreatePriceInfos" },
    "item/price/price": { attrs: ["storeidentifier", "sold", "multiplier"], source: "PriceInfo.CreatePriceInfos (vanilla usage)" },
    "item/preferredcontainer": { attrs: ["primary", "secondary"], source: "Items/ItemPrefab.cs case \"preferredcontainer\"; PreferredContainer" },
    // case "fabricate": new FabricationRecipe(subElement): suitablefabricators, requiredtime;
    // RequiredSkill identifier/level; RequiredItem identifier/amount (FabricationRecipe not
    // re-read here; vanilla recipes use exactly these).
    "item/fabricate": { attrs: ["suitablefabricators", "requiredtime"], source: "Items/ItemPrefab.cs case \"fabricate\"; FabricationRecipe (vanilla usage)" },
    "item/fabricate/requiredskill": { attrs: ["identifier", "level"], source: "FabricationRecipe constructor (vanilla usage)" },
    "item/fabricate/requireditem": { attrs: ["identifier", "amount"], source: "FabricationRecipe constructor (vanilla usage)" },
    // case "deconstruct": time, chooserandom, amount; each child: new DeconstructItem(element).
    "item/deconstruct": { attrs: ["time", "chooserandom", "amount"], source: "Items/ItemPrefab.cs case \"deconstruct\"" },
    "item/deconstruct/item": { attrs: ["identifier"], source: "DeconstructItem constructor (vanilla usage); ParseConfigElement refuses name" },

    // Holdable [Serialize]: Aimable, Attachable, Reattachable, AttachedByDefault, HoldPos, AimPos,
    // HoldAngle, MsgWhenDropped, ...; handle1/handle2 read in the Holdable constructor;
    // Pickable constructor reads slots.
    "item/holdable": component(
        ["aimable", "attachable", "reattachable", "attachedbydefault", "holdpos", "aimpos", "holdangle",
            "msgwhendropped", "handle1", "handle2", "slots", "spritedepthwhendropped", "canpush"],
        "Items/Components/Holdable/Holdable.cs [Serialize] and constructor; Pickable.cs constructor (slots)"),
    // ConnectionPanel [Serialize] Locked.
    "item/connectionpanel": component(["locked"], "Items/Components/Signal/ConnectionPanel.cs [Serialize] Locked"),
    // ConnectionPanel constructor: new Connection(subElement, ...) for each <input>/<output> (the
    // element name compared case-sensitively); Connection reads name, displayname (not re-read
    // here; vanilla usage).
    "item/connectionpanel/input": { attrs: ["name", "displayname"], source: "ConnectionPanel constructor; Connection constructor (vanilla usage)" },
    "item/connectionpanel/output": { attrs: ["name", "displayname"], source: "ConnectionPanel constructor; Connection constructor (vanilla usage)" },
    // MemoryComponent [Serialize] MaxValueLength, Value, Writeable.
    "item/memorycomponent": component(["maxvaluelength", "value", "writeable"], "Items/Components/Signal/MemoryComponent.cs [Serialize]"),
    // ItemLabel [Serialize] Text, IgnoreLocalization, TextColor, TextScale, Padding (shared),
    // Scrollable, ScrollSpeed (client).
    "item/itemlabel": component(["text", "ignorelocalization", "textcolor", "textscale", "padding", "scrollable", "scrollspeed"],
        "Items/Components/ItemLabel.cs (server and client) [Serialize]"),
    // ItemContainer [Serialize] Capacity, MaxStackSize, HideItems, ItemPos, ItemInterval,
    // ItemsPerRow, DrawInventory, AllowDragAndDrop, AllowSwappingContainedItems, ShowSortButton,
    // ShowMergeButton, AllowAccess, SlotsPerRow, ContainableRestrictions, AutoFill.
    "item/itemcontainer": component(["capacity", "maxstacksize", "hideitems", "itempos", "iteminterval", "itemsperrow",
        "drawinventory", "allowdraganddrop", "allowswappingcontaineditems", "showsortbutton", "showmergebutton",
        "allowaccess", "slotsperrow", "containablerestrictions", "autofill"],
    "Items/Components/ItemContainer.cs [Serialize]"),
    // Powered [Serialize] MinVoltage, PowerConsumption, IsActive, VulnerableToEMP.
    "item/powered": component(["minvoltage", "powerconsumption", "isactive", "vulnerabletoemp"], "Items/Components/Power/Powered.cs [Serialize]"),
    // CustomInterface [Serialize] ShowInsufficientPowerWarning (Labels/Signals/ElementStates are saved state).
    "item/custominterface": component(["showinsufficientpowerwarning"], "Items/Components/Signal/CustomInterface.cs [Serialize]"),
    // CustomInterfaceElement constructor: text, connection, propertyname, targetitemcomponent,
    // targetonlyparentproperty, min, max, step, decimalplaces, maxtextlength, numbertype, signal,
    // GetValueInterval; CustomInterface constructor: continuoussignal.
    "item/custominterface/button": { attrs: ["text", "connection", "signal", "continuoussignal"], source: "CustomInterface.cs CustomInterfaceElement constructor" },
    "item/custominterface/textbox": { attrs: ["text", "connection", "signal", "maxtextlength", "propertyname", "targetitemcomponent", "targetonlyparentproperty", "continuoussignal"], source: "CustomInterface.cs CustomInterfaceElement constructor" },
    "item/custominterface/tickbox": { attrs: ["text", "connection", "signal", "continuoussignal"], source: "CustomInterface.cs CustomInterfaceElement constructor" },
    // <RequiredItem> in a component: ItemComponent.SetRequiredItems -> RelatedItem.Load.
    "*/requireditem": { attrs: ["items", "type"], source: "ItemComponent.SetRequiredItems: RelatedItem.Load (vanilla usage)" },
    // ItemComponent GUI frame (client ItemComponent: GuiFrame from RectTransform.Load + style/color).
    "*/guiframe": { attrs: ["relativesize", "minsize", "maxsize", "anchor", "style"], source: "ClientSource ItemComponent GuiFrame: RectTransform.Load and style (vanilla usage)" },
    // StatusEffect.Load: type, target (and many more the mod does not use).
    "*/statuseffect": { attrs: ["type", "target"], source: "StatusEffects/StatusEffect.cs constructor (vanilla usage)" },
    // LuaCs: <LuaHook name="..."> inside a StatusEffect calls Hook.Call(name, ...).
    "*/statuseffect/luahook": { attrs: ["name"], source: "LuaCs StatusEffect LuaHook (name)" },
};

/** Attributes any element may carry without effect on loading (none so far). */
const COMMON = new Set([]);

function ruleFor(path) {
    if (RULES[path]) return RULES[path];
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
        const key = "*/" + parts.slice(i).join("/");
        if (RULES[key]) return RULES[key];
    }
    return undefined;
}

/** Removes comments and processing instructions, keeping newlines (for line numbers). */
function blank(text) {
    return text.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g, (m) => m.replace(/[^\n]/g, " "));
}

/**
 * Findings ({ file, line, column, message }) for every attribute of every element under <Item>
 * that the game does not read there.
 */
export function checkItemAttributes(text, file) {
    const findings = [];
    const src = blank(text);
    const tagRe = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[^\s=>\/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
    const attrRe = /([^\s=]+)\s*=\s*(?:"[^"]*"|'[^']*')/g;
    const stack = [];
    let m;
    while ((m = tagRe.exec(src)) !== null) {
        const [, closing, rawName, attrText, selfClosing] = m;
        const name = rawName.toLowerCase();
        if (closing) {
            stack.pop();
            continue;
        }
        const inItem = stack.indexOf("item");
        const path = inItem >= 0 ? [...stack.slice(inItem), name].join("/") : name === "item" ? "item" : undefined;
        if (path !== undefined) {
            const line = src.slice(0, m.index).split("\n").length;
            const rule = ruleFor(path);
            if (rule === undefined) {
                findings.push({ file, line, column: 1, message: `<${rawName}> (${path}): no list of the attributes the game reads there; add one to scripts/lib/item-attributes.mjs with its source` });
            } else {
                let a;
                attrRe.lastIndex = 0;
                while ((a = attrRe.exec(attrText)) !== null) {
                    const attr = a[1].toLowerCase();
                    if (!rule.attrs.includes(attr) && !COMMON.has(attr)) {
                        findings.push({ file, line, column: 1, message: `${a[1]}="..." on <${rawName}> (${path}) is not read by the game there (${rule.source})` });
                    }
                }
            }
        }
        if (!selfClosing) stack.push(name);
    }
    return findings;
}
